from rectify.problems.models import Problem
from rectify.problems.search import search_problems
from rectify.problems.testing import ProblemFactory


def test_chinese_search_finds_terms_of_any_length(orgs):
    ProblemFactory(number="1", title="赤水河流域磷化工企业废水超标排放", description="")
    ProblemFactory(number="2", title="草海自然保护区核心区违规建设", description="旅游设施")
    ProblemFactory(number="3", title="城市黑臭水体整治滞后", description="污水管网不完善")

    def found(text):
        return sorted(search_problems(Problem.objects.all(), text).values_list("number", flat=True))

    assert found("磷化工") == ["1"]
    assert found("磷") == ["1"]  # one character: LIKE fallback
    assert found("保护区 违规") == ["2"]  # every term must match
    assert found("污水管网") == ["3"]  # description too
    assert found("不存在的词") == []
    assert found("2") == ["2"]  # exact problem number


def test_search_index_follows_edits(orgs):
    p = ProblemFactory(number="9", title="原标题内容")
    p.title = "生活垃圾填埋场渗滤液"
    p.save()
    assert list(search_problems(Problem.objects.all(), "渗滤液")) == [p]
    assert list(search_problems(Problem.objects.all(), "原标题")) == []
