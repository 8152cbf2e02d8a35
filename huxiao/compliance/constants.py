"""Numbers from the seeds and standards, each with its source."""

# GB/T 29315-2022 staffing of full-time guards by enrolment: the 三防 registry's standard, with its source
# there (huxiao/defense/staffing.py); rule sets may override ``bands``/``step`` per rule.
from huxiao.defense.staffing import DEFAULT_GUARD_BANDS  # noqa: F401

# 000 §三(一)2: from 2022 a full-time guard may be first hired at no more than 50 years of age.
GUARD_MAX_HIRE_AGE = 50

# 003 §三(三): walls of remote and rural schools at least 2 m high.
RURAL_WALL_MIN_M = 2
