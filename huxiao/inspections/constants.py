"""Numbers of inspections and supervision, with the seed each comes from."""

# 000 §三(五)2: "省级教育部门要会同公安机关每学期至少开展一次学校安全督导检查 … 市、县教育、公安部门每学期至少开展
# 两次校园及周边地区安全检查和督导" — minimum inspections per semester by the level of the plan.
MIN_PER_SEMESTER = {"province": 1, "city": 2, "county": 2}

# Default semesters when none is configured (month, day): autumn from 1 Sep to 31 Jan, spring from 1 Feb
# to 31 Aug.
AUTUMN_START = (9, 1)
SPRING_START = (2, 1)

# The Baicheng checklist, 003 §三(一): "检查内容重点突出安保制度是否健全、保卫力量配备是否达标、落实安保制度是否严格、
# 技防物防设施是否齐全、校园周边防控机制是否落实、应急处置预案及演练是否到位".
BAICHENG_ITEMS = [
    ("安保制度是否健全", "campus"),
    ("保卫力量配备是否达标", "campus"),
    ("落实安保制度是否严格", "campus"),
    ("技防物防设施是否齐全", "campus"),
    ("校园周边防控机制是否落实", "area_other"),
    ("应急处置预案及演练是否到位", "campus"),
]

# The Jiangsu 八项措施 (000 附件), one item per measure that a school inspection can check.
JIANGSU_ITEMS = [
    ("高峰护学勤务：校门前设立“护学岗”，上放学时段定点执勤（八项措施 一）", "traffic"),
    ("保安人员配备：按规范配齐配强专职保安人员并定期培训（八项措施 二）", "campus"),
    ("物防设施：大门口安装硬质防冲撞设施，防盗、防火、防个人极端设施齐全（八项措施 三）", "campus"),
    ("技防监控：门卫室一键式紧急报警，校门口及重要部位视频监控接入公安平台（八项措施 四）", "campus"),
    ("内部安全管理：门卫值守、封闭管理、访客登记制度落实（八项措施 五）", "campus"),
    ("周边巡逻防控：纳入网格化巡逻，每日每校巡查不少于 2 次（八项措施 六）", "area_other"),
    ("日常监督指导：校园警务室“五统一”、法制副校长到位（八项措施 七）", "campus"),
    ("隐患整改：存在治安隐患的已限期整改到位（八项措施 八）", "campus"),
]
