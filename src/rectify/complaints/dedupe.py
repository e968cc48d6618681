"""PLACEHOLDER written by the lead so that actions import; the dedupe helper replaces this
whole file with the real MinHash/LSH implementation."""


def index_complaints(complaints) -> None:
    return None


def candidates(complaint, *, limit: int = 10) -> list:
    return []
