"""Rule-set files are validated when loaded: a bad file fails with a message naming file, rule and field."""

import pytest

from huxiao.compliance.rules import RuleSetError, load_ruleset_text

GOOD = """
campaign: {code: t, name: 测试行动, issuer: 测试局, region: "32", start: 2024-01-01, end: 2024-12-31}
rules:
  - id: R-1
    name: 封闭化管理
    measure: {kind: facility_flag, field: closed_management}
    target: 1.0
    deadline: 2024-06-30
"""


def bad(old, new):
    return GOOD.replace(old, new)


def test_good_file_loads():
    rs = load_ruleset_text(GOOD, "t.yaml")
    assert rs.rule("R-1").measure["field"] == "closed_management"


@pytest.mark.parametrize("text,expected", [
    (bad("field: closed_management", "field: open_gate"), "规则 R-1.measure.field"),
    (bad("kind: facility_flag, field: closed_management", "kind: magic"), "规则 R-1.measure.kind"),
    (bad("kind: facility_flag, field: closed_management", "kind: facility_flag"), "规则 R-1.measure.field：缺少"),
    (bad("target: 1.0", "target: 1.5"), "规则 R-1.target"),
    (bad("target: 1.0", "target: yes"), "规则 R-1.target"),
    (bad("deadline: 2024-06-30", "deadline: 明年"), "规则 R-1.deadline"),
    (bad("    name: 封闭化管理\n", "    name: 封闭化管理\n    applies_to: {settings: [metropolis]}\n"),
     "规则 R-1.applies_to.settings"),
    (bad("    name: 封闭化管理\n", "    name: 封闭化管理\n    applies_to: {boarding: sometimes}\n"),
     "规则 R-1.applies_to.boarding"),
    (bad("    name: 封闭化管理\n", "    name: 封闭化管理\n    applies_to: {colour: red}\n"),
     "规则 R-1.applies_to.colour"),
    (bad("    name: 封闭化管理\n", "    name: 封闭化管理\n    three_100: four\n"), "规则 R-1.three_100"),
    (bad("    name: 封闭化管理\n", "    name: 封闭化管理\n    weight: 3\n"), "规则 R-1.weight"),
    (bad("    name: 封闭化管理\n", ""), "规则 R-1.name"),
    (bad("end: 2024-12-31", "end: 2023-12-31"), "campaign.end"),
    (bad("issuer: 测试局, ", ""), "campaign.issuer"),
    (bad("kind: facility_flag, field: closed_management",
         "kind: guards_min, bands: [[100, 1], [50, 2]]"), "规则 R-1.measure.bands"),
    (bad("kind: facility_flag, field: closed_management", "kind: guards_min, min: -1"), "规则 R-1.measure.min"),
    (bad("kind: facility_flag, field: closed_management",
         "kind: all_of, measures: [{kind: devices_networked, kinds: [toaster]}]"),
     "规则 R-1.measure.measures[0].kinds"),
    (bad("kind: facility_flag, field: closed_management",
         "kind: guard_hire_age, hired_from: 2022-01-01"), "规则 R-1.measure.hired_from"),  # a deadline rule
    (bad("kind: facility_flag, field: closed_management", "kind: guard_hire_age, max_age: fifty"),
     "规则 R-1.measure.max_age"),
    (GOOD + GOOD.split("rules:")[1].replace("  - id: R-1", "  - id: R-1"), "规则 R-1.id：编号重复"),
    ("campaign: [1, 2]", "campaign"),
    ("rules: [", "YAML 格式错误"),
])
def test_bad_files_name_rule_and_field(text, expected):
    with pytest.raises(RuleSetError) as exc:
        load_ruleset_text(text, "bad.yaml")
    message = str(exc.value)
    assert message.startswith("规则集 bad.yaml"), message
    assert expected in message, message
