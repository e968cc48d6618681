"""The disclosure in Chinese, in the reference article's sentences (see reports.text)."""

from decimal import Decimal

from rectify.complaints.states import ENFORCEMENT_FIELDS
from rectify.core.officedoc import chinese_numeral
from rectify.problems.models import InspectionKind
from rectify.reports.text.common import (
    LEADING_YEAR,
    LEVEL_ZH,
    Context,
    activity_zh,
    count,
    named,
    zh_as_of,
    zh_date,
    zh_range,
)


def _zh_list(items: list[str]) -> str:
    """A、B和C."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


class Chinese:
    def __init__(self, c: Context):
        self.c = c
        region = c.inspection.target_region
        self.region = region.name
        self.subject = LEVEL_ZH.get(c.inspection.level, "生态环境保护督察")
        if c.province_wide:
            self.gov, self.below, self.office = "省政府", "各市（州）、省直有关部门", "省督察办"
        else:
            self.gov = f"{region.name}政府"
            self.below = "各县（市、区）、有关部门"
            self.office = f"{region.name}督察整改办"

    def heading(self, key: str) -> str:
        c = self.c
        if key == "followup":
            children = [child for _block, child in self.c.children_started()]
            if children and all(ch.kind == InspectionKind.LOOKBACK for ch in children):
                return "开展省级督察“回头看”"
            return "开展省级生态环境保护督察"
        return {
            "responsibility": f"坚决扛起{self.subject}整改政治责任",
            "leadership": "加强组织领导",
            "supervision": "强化调度督办",
            "accountability": "严肃责任追究",
            "ledger": f"强力推进{self.subject}问题整改落实",
            "complaints": "扎实办理群众举报问题",
            "battle_teams": f"统筹推进{self.subject}反馈问题整改和污染防治攻坚战"
            if c.phase == "after"
            else "挂牌督战",
        }.get(key, "")

    # opening ----------------------------------------------------------------------------

    def opening(self) -> list[str]:
        c, i = self.c, self.c.inspection
        team = i.team or "督察组"
        basis = "根据党中央、国务院统一部署，" if c.central else "根据省委、省政府统一部署，"
        activity = activity_zh(i, self.region)
        d = zh_as_of(c.as_of)
        woven = "".join(c.narratives.get("opening", []))
        if c.phase == "before":
            return [
                f"截至{d}，{team}尚未对{self.region}开展{activity}，"
                f"尚无督察反馈意见和整改任务。{woven}"
            ]
        if c.phase == "onsite":
            when = f"{zh_date(i.onsite_start)}起，" if i.onsite_start else ""
            text = f"{basis}{when}{team}对{self.region}开展{activity}。{woven}"
            text += f"截至{d}，督察组正在进驻督察，尚未反馈督察意见"
            return [text + self._complaints_clause(prefix="；") + "。"]
        when = ""
        if i.onsite_start and i.onsite_end:
            when = zh_range(i.onsite_start, i.onsite_end) + "，"
        elif i.onsite_start:
            when = f"{zh_date(i.onsite_start)}起，"
        text = f"{basis}{when}{team}对{self.region}开展{activity}。"
        if c.phase == "awaiting":
            text += f"{woven}截至{d}，督察组尚未反馈督察意见"
            return [text + self._complaints_clause(prefix="；") + "。"]
        text += f"{zh_date(i.feedback_date)}，督察组向{self.region}反馈了督察意见。{woven}"
        text += f"截至{d}，{self._status_clause()}{self._complaints_clause(prefix='；')}。"
        return [text + "现将整改工作进展情况予以公布。"]

    def _status_clause(self) -> str:
        p = self.c.problems
        total = count(p.get("total"))
        if not total:
            return "督察反馈意见问题尚在梳理，尚未纳入整改台账"
        head = f"{self.region}梳理形成的{total}项问题"
        completed = count(p.get("completed"))
        if completed == total:
            return f"{head}已全部完成整改"
        parts = [
            f"{n}项{label}"
            for n, label in (
                (completed, "已完成整改"),
                (count(p.get("on_schedule")), "达到时序进度要求"),
                (count(p.get("behind_schedule")), "未达到时序进度要求"),
                (count(p.get("overdue")), "逾期未完成整改"),
                (count(p.get("not_started")), "尚未启动整改"),
            )
            if n
        ]
        return "，".join([head, *parts])

    def _closure(self) -> str:
        """已全部办结 | 已办结x件、阶段性办结y件、正在办理z件 (zero clauses left out)."""
        q = self.c.complaints
        assigned, closed = count(q.get("assigned")), count(q.get("closed"))
        if closed == assigned:
            return "已全部办结"
        parts = [
            f"{label}{n}件"
            for n, label in (
                (closed, "已办结"),
                (count(q.get("closed_stage")), "阶段性办结"),
                (count(q.get("in_progress")), "正在办理"),
            )
            if n
        ]
        return "，" + "、".join(parts) if parts else "正在办理"

    def _complaints_clause(self, *, prefix: str) -> str:
        assigned = count(self.c.complaints.get("assigned"))
        if not assigned:
            return ""
        return f"{prefix}交办{self.region}的{assigned}件群众举报问题{self._closure()}"

    # 一 ---------------------------------------------------------------------------------

    def responsibility(self) -> list[str]:
        """The office's own words only: there is no figure of political responsibility."""
        return []

    def leadership(self) -> list[str]:
        c = self.c
        out = []
        total = count(c.figures.get("meetings"))
        if total:
            kinds = [name for name, _n in named(c.figures.get("meetings_by_kind")) if name]
            about = (
                f"听取{self.subject}问题整改工作情况汇报，研究推进整改工作"
                if c.phase == "after"
                else "研究部署配合督察和边督边改工作"
            )
            if len(kinds) >= 2:
                out.append(f"先后召开{_zh_list(kinds)}共计{total}次，{about}。")
            elif kinds:
                out.append(f"召开{kinds[0]}{total}次，{about}。")
            else:
                out.append(f"召开会议{total}次，{about}。")
        letters = count(c.figures.get("responsibility_letters"))
        if letters:
            out.append(
                f"{self.gov}与{self.below}签订{self.subject}整改工作年度目标责任书{letters}份。"
            )
        return out

    def followup(self) -> list[str]:
        c = self.c
        d = zh_as_of(c.as_of)
        out = []
        for block, child in self.c.children_started():
            name = child.name
            short = LEADING_YEAR.sub("", name)
            if child.feedback_date is None or c.as_of < child.feedback_date:
                when = ""
                if child.onsite_start and child.onsite_end and c.as_of > child.onsite_end:
                    when = zh_range(child.onsite_start, child.onsite_end) + "，"
                elif child.onsite_start:
                    when = f"{zh_date(child.onsite_start)}起，"
                out.append(f"{when}组织开展{name}，截至{d}尚未反馈督察意见。")
                continue
            total, done = count(block.get("total")), count(block.get("completed"))
            if not total:
                out.append(f"组织开展{name}，反馈意见问题尚在梳理。")
            elif done == total:
                out.append(f"组织开展{name}。截至{d}，{short}反馈的{total}个问题已全部整改完成。")
            elif done:
                out.append(
                    f"组织开展{name}。截至{d}，{short}反馈的{total}个问题，"
                    f"已整改完成{done}个，其余正在整改。"
                )
            else:
                out.append(f"组织开展{name}。截至{d}，{short}反馈的{total}个问题正在整改。")
        return out

    def supervision(self) -> list[str]:
        s = self.c.figures.get("supervision") or {}
        sentences = []
        pressing = [
            f"{label}{count(s.get(key))}次"
            for key, label in (
                ("letters", "致函"),
                ("interviews", "约谈"),
                ("notifications", "通报"),
            )
            if count(s.get(key))
        ]
        if pressing:
            sentences.append(f"向有关地方和部门{'、'.join(pressing)}。")
        checks = [
            text.format(n=count(s.get(key)))
            for key, text in (("secret_visits", "暗访暗查{n}次"), ("spot_checks", "抽查{n}次"))
            if count(s.get(key))
        ]
        films = count(s.get("warning_films"))
        if checks or films:
            parts = [f"开展{'、'.join(checks)}"] if checks else []
            if films:
                parts.append(f"制作督察问题警示片{films}部")
            sentences.append("，".join(parts) + "。")
        return ["".join(sentences)] if sentences else []

    def accountability(self) -> list[str]:
        a = self.c.figures.get("accountability") or {}
        cases, orgs, persons = (
            count(a.get("cases_transferred")),
            count(a.get("organizations")),
            count(a.get("persons")),
        )
        text = ""
        if cases:
            text = f"针对督察组移交的{cases}个责任追究案件，及时移交督办和跟踪问责。"
        if orgs or persons:
            targets = []
            if orgs:
                targets.append(f"{orgs}个党组织")
            if persons:
                ranks = [f"{name}干部{n}人" for name, n in named(a.get("by_rank")) if name]
                targets.append(
                    f"{persons}名责任人员" + (f"（{'、'.join(ranks)}）" if ranks else "")
                )
            text += f"对{'、'.join(targets)}进行责任追究。"
            unit = "人" if count(a.get("person_times", persons)) == persons else "人次"
            sanctions = [f"{name}{n}{unit}" for name, n in named(a.get("by_sanction")) if name]
            if sanctions:
                text += f"被处理人员中，{'、'.join(sanctions)}。"
        elif cases:
            text = f"针对督察组移交的{cases}个责任追究案件，正在依规依纪依法调查处理。"
        return [text] if text else []

    # 二 三 四 ------------------------------------------------------------------------------

    def ledger(self) -> list[str]:
        c = self.c
        if c.phase != "after":
            return []
        p = c.problems
        total = count(p.get("total"))
        if not total:
            return ["督察反馈意见问题尚在梳理，整改台账尚未建立。"]
        feedback = (
            "“回头看”反馈意见" if c.inspection.kind == InspectionKind.LOOKBACK else "督察反馈意见"
        )
        aspects = [name for name, _n in named(p.get("by_aspect")) if name]
        categories = named(p.get("by_category"))
        where = ""
        if len(aspects) > 1:
            where = f"在{'、'.join(aspects)}等{len(aspects)}个方面"
        elif aspects:
            where = f"在{aspects[0]}方面"
        kinds = f"{len(categories)}类、" if categories else ""
        text = (
            f"针对{feedback}指出{self.region}{where}存在的{kinds}{total}个突出问题，"
            "实行台账管理，细化清单、分类施策。"
        )
        if categories:
            listed = [f"{name or '未分类'}问题{n}个" for name, n in categories]
            text += f"其中，按问题类别梳理出{'、'.join(listed)}。"
        out = [text]
        years = named(p.get("by_deadline_year"))
        if years:
            listed = [
                f"{y}年到期的{n}个" if str(y).isdigit() else f"{y or '未定时限'}的{n}个"
                for y, n in years
            ]
            out.append(f"按整改时限分，{'、'.join(listed)}。")
        completed, signed = count(p.get("completed")), count(p.get("signed_off"))
        details = []
        if completed and signed:
            details.append(f"已完成整改的{completed}项问题中，{signed}项已完成验收销号")
        basically = count(p.get("basically_done"))
        if basically:
            details.append(f"另有{basically}项问题基本完成整改")
        if details:
            out.append(f"截至{zh_as_of(c.as_of)}，" + "；".join(details) + "。")
        return out

    def complaints(self) -> list[str]:
        q = self.c.complaints
        assigned = count(q.get("assigned"))
        if not assigned:
            return []
        closure = self._closure()
        text = f"督察组交办{self.region}的{assigned}件群众举报问题{closure}"
        closed = count(q.get("closed"))
        if closed and closed < assigned:
            rate = Decimal(str(q.get("closure_rate") or 0)) * 100
            text += f"，办结率{rate.quantize(Decimal('0.1'))}%"
        text += "。"
        enforcement = []
        for key, (label, unit) in ENFORCEMENT_FIELDS.items():
            value = Decimal(str((q.get("enforcement") or {}).get(key) or 0))
            if value:
                enforcement.append(
                    f"{label}{_fine_zh(value) if key == 'fines_yuan' else f'{value}{unit}'}"
                )
        if enforcement:
            text += f"办理过程中，{'，'.join(enforcement)}。"
        return [text]

    def battle_teams(self) -> list[str]:
        n = count(self.c.figures.get("battle_teams"))
        if not n:
            return []
        return [f"{self.office}派出{n}个督战队，与{self.below}协同联动，对重点难点问题挂牌督战。"]

    def next_steps(self) -> list[str]:
        c = self.c
        p = c.problems
        if c.phase == "before":
            return [
                f"下一步，{self.region}将做好配合督察各项准备工作，督察进驻后对交办的群众举报问题"
                "边督边改、立行立改，督察意见反馈后及时制定整改方案。"
            ]
        if c.phase != "after":
            return [
                f"下一步，{self.region}将全力配合督察工作，对交办的群众举报问题边督边改、"
                "立行立改，督察意见反馈后及时制定整改方案，逐项推动整改落实。"
            ]
        if not count(p.get("total")):
            return [f"下一步，{self.region}将抓紧梳理反馈意见问题，制定整改方案，建立整改台账。"]
        if c.open_problems:
            return [
                f"下一步，{self.region}将坚持方向不变、力度不减，对尚未完成整改的"
                f"{c.open_problems}项问题逐项跟踪督办，确保按期完成整改任务。"
            ]
        return [f"下一步，{self.region}将持续巩固整改成效，加强跟踪问效，坚决防止问题反弹回潮。"]

    def numbered(self, level: int, n: int, heading: str) -> str:
        return (
            f"{chinese_numeral(n)}、{heading}"
            if level == 1
            else f"（{chinese_numeral(n)}）{heading}"
        )


def _fine_zh(amount: Decimal) -> str:
    """罚款 as publications print it: "8500元", "68.5万元"."""
    if amount >= 10_000:
        wan = (amount / 10_000).quantize(Decimal("0.01"))
        return f"{wan:f}".rstrip("0").rstrip(".") + "万元"
    return f"{amount.normalize():f}元"
