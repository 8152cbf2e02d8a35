"""Numbers of the hazard ledger, with the seed each comes from."""

# Default escalation ladder (thresholds are configurable per campaign in EscalationPolicy).
# 001 §四(三) and 002 §三(二): "通过通报、约谈、挂牌督办等方式督促其限期整改"; 003 §三(一): three-party
# supervision (教育、公安部门和学校三方督办整改责任捆绑机制). The day counts are the platform's defaults.
DEFAULT_REMIND_DAYS_BEFORE = 3
DEFAULT_NOTICE_AFTER_DAYS = 1
DEFAULT_INTERVIEW_AFTER_DAYS = 15
DEFAULT_LISTING_AFTER_DAYS = 30

# 000 §三(一)5: "严格落实每月安全隐患自查整改制度" — one self-check per school per month; a missing one is
# flagged to the education bureau after this day of the next month (configurable per policy).
DEFAULT_SELF_CHECK_DUE_DAY = 5

# Default rectification time limit (整改时限) in days when an inspection item does not set one
# (001 §二(二): "逐一确定整改措施和时限").
DEFAULT_DEADLINE_DAYS = 30
MAJOR_DEADLINE_DAYS = 15
