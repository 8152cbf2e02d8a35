"""Numbers from the seeds and standards, each with its source."""

# GB/T 29315-2022 《中小学、幼儿园安全技术防范系统要求》 staffing of full-time guards by (non-boarding)
# enrolment, as cited by 004 §四(一): at least 1 under 100 students, 2 from 100, 3 from 1,000, and one
# more for every further 500. Rule sets may override ``bands``/``step`` per rule.
DEFAULT_GUARD_BANDS = {
    "bands": [[0, 1], [100, 2], [1000, 3]],
    "step": {"above": 1000, "every": 500, "add": 1},
}

# 000 §三(一)2: from 2022 a full-time guard may be first hired at no more than 50 years of age.
GUARD_MAX_HIRE_AGE = 50

# 003 §三(三): walls of remote and rural schools at least 2 m high.
RURAL_WALL_MIN_M = 2

# How often time-based changes (heartbeat windows) are swept into the evaluation table, seconds.
SWEEP_INTERVAL_SECONDS = 60
