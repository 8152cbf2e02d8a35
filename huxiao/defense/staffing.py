"""How many guards a school must have: the staffing standard the roster is held to (and compliance
evaluates, huxiao.compliance.measures)."""

# GB/T 29315-2022 《中小学、幼儿园安全技术防范系统要求》 staffing of full-time guards by (non-boarding)
# enrolment, as cited by 004 §四(一): at least 1 under 100 students, 2 from 100, 3 from 1,000, and one
# more for every further 500. Rule sets may override ``bands``/``step`` per rule.
DEFAULT_GUARD_BANDS = {
    "bands": [[0, 1], [100, 2], [1000, 3]],
    "step": {"above": 1000, "every": 500, "add": 1},
}


def required_guards(enrolment: int, bands=None, step=None) -> int:
    """Guards required for ``enrolment`` students: the last band whose floor is reached, plus the step."""
    bands = bands or DEFAULT_GUARD_BANDS["bands"]
    step = DEFAULT_GUARD_BANDS["step"] if step is None else step
    need = 0
    for floor, count in bands:
        if enrolment >= floor:
            need = count
    if step and enrolment >= step["above"] + step["every"]:
        need += (enrolment - step["above"]) // step["every"] * step["add"]
    return need
