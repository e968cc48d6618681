from decimal import Decimal

from ninja import Schema


class OrgOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    depth: int
    longitude: Decimal | None
    latitude: Decimal | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None
