"""School import from Excel: template, header check, per-row validation, all-or-nothing write.

Validation runs over every row before anything is written; one bad row means nothing is imported and
the report names each row, column and problem in Chinese — every problem of every row in one round (a
cell that cannot be read does not hide the record's other rules). The template's sample row is marked
(its 学校标识码 cell starts with “示例”) and skipped, as is the unmarked sample row of older templates.
"""

import datetime
import os
import pathlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from huxiao.core import audit, events, excel, jobs
from huxiao.core.audit_events import CoreAudit
from huxiao.core.choices import AuditAction, Ownership, SchoolType, Setting, UnitKind, UnitLevel
from huxiao.core.models import ImportJob, ImportStatus, Region, School, Unit
from huxiao.core.scoping import scope_for
from huxiao.core.services import code_unavailable
from huxiao.core.signals import SCHOOLS_CHANGED
from huxiao.core.validators import validate_region_code

MAX_ROWS = 50000


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    kind: str = "str"  # str | int | bool | choice | decimal | time
    choices: type | None = None
    example: str = ""


COLUMNS = [
    Column("学校标识码", "code", True, example="2132041301"),
    Column("学校名称", "name", True, example="常州市金坛区示范小学"),
    Column("学校类型", "school_type", True, "choice", SchoolType, "小学"),
    Column("办学性质", "ownership", True, "choice", Ownership, "公办"),
    Column("城乡分类", "setting", True, "choice", Setting, "城市"),
    Column("治安交通环境复杂", "complex_environment", False, "bool", example="否"),
    Column("寄宿制", "boarding", False, "bool", example="否"),
    Column("在校生数", "students", True, "int", example="1350"),
    Column("住宿生数", "boarding_students", False, "int", example="0"),
    Column("教职工数", "staff", False, "int", example="86"),
    Column("地址", "address", True, example="金坛区东门大街 88 号"),
    Column("经度", "longitude", False, "decimal", example="119.5971"),
    Column("纬度", "latitude", False, "decimal", example="31.7232"),
    Column("所在区划代码", "region", True, example="320413"),
    Column("属地派出所", "police_station", False, example="金城派出所"),
    Column("校长/园长", "principal_name", False, example="王建国"),
    Column("校长电话", "principal_phone", False, example="13912345678"),
    Column("安保负责人", "security_name", False, example="李卫东"),
    Column("安保负责人电话", "security_phone", False, example="13812345678"),
    Column("治安保卫重点单位", "key_security_unit", False, "bool", example="是"),
    Column("开校门时间", "gate_open_time", False, "time", example="07:10"),
    Column("中午放学时间", "noon_dismissal_time", False, "time", example="11:40"),
    Column("下午放学时间", "afternoon_dismissal_time", False, "time", example="16:30"),
]
BOOL_VALUES = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False, "": False}


SAMPLE_MARK = "示例"
CODE_HEADER = COLUMNS[0].header  # 学校标识码
SAMPLE_NOTE = "本行为示例：学校标识码以“示例”开头的行不会导入。请从下一行起填写，或覆盖本行并删去“示例”二字。"


def is_sample_row(values: dict) -> bool:
    """The template's sample row: its 学校标识码 starts with “示例” (no real code does: codes are 10
    digits), or — as in templates downloaded before the mark — it is the sample school itself."""
    code = str(values.get(CODE_HEADER) or "").strip()
    if code.startswith(SAMPLE_MARK):
        return True
    by_header = {c.header: c.example for c in COLUMNS}
    return code == by_header[CODE_HEADER] and str(values.get("学校名称") or "").strip() == by_header["学校名称"]


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "学校"
    excel.append(ws, [c.header for c in COLUMNS])
    excel.append(ws, [f"{SAMPLE_MARK} {c.example}" if c.header == CODE_HEADER else c.example for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[2]:
        cell.font = Font(italic=True, color="808080")
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
    ws.cell(2, 1).comment = Comment(SAMPLE_NOTE, "护校安园")
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(col.header) * 2 + 2)
    notes = wb.create_sheet("填写说明")
    excel.append(notes, ["列", "必填", "说明"])
    for c in COLUMNS:
        allowed = "、".join(str(label) for label in c.choices.labels) if c.choices else {
            "bool": "是/否", "int": "非负整数", "time": "时:分，如 07:30", "decimal": "小数（WGS-84）"}.get(c.kind, "文本")
        excel.append(notes, [c.header, "是" if c.required else "否", allowed])
    excel.append(notes, [])
    excel.append(notes, ["第 2 行", "", SAMPLE_NOTE])
    return excel.to_bytes(wb)


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, empty, wrong columns, too many rows."""


def read_rows(fileobj):
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, Exception) as exc:  # zip/xml errors vary
        raise ImportFileError("无法读取文件：请上传 Excel（.xlsx）格式的学校导入模板") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(header):
        raise ImportFileError("文件为空：第 1 行应为表头")
    header = [str(h).strip() if h is not None else "" for h in header]
    while header and header[-1] == "":
        header.pop()
    known = {c.header for c in COLUMNS}
    missing = [c.header for c in COLUMNS if c.required and c.header not in header]
    unknown = [h for h in header if h and h not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("缺少必填列：" + "、".join(missing))
        if unknown:
            parts.append("无法识别的列：" + "、".join(unknown))
        raise ImportFileError("表头与模板不符，" + "；".join(parts))
    data, samples = [], 0
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        row = dict(zip(header, values, strict=False))
        if is_sample_row(row):
            samples += 1
            continue
        data.append((number, row))
        if len(data) > MAX_ROWS:
            raise ImportFileError(f"行数超过上限 {MAX_ROWS}，请分批导入")
    wb.close()
    if not data:
        raise ImportFileError("文件中没有数据行" + ("（示例行不会导入）" if samples else ""))
    return data


def _convert(col: Column, raw):
    text = "" if raw is None else str(raw).strip()
    if text == "":
        if col.required:
            raise ValueError("必填")
        return {"bool": False, "int": 0}.get(col.kind, None if col.kind in ("decimal", "time") else "")
    if col.kind == "int":
        try:
            value = int(float(text))
        except ValueError as exc:
            raise ValueError(f"应为整数，实际为“{text}”") from exc
        if value < 0 or value != float(text):
            raise ValueError(f"应为非负整数，实际为“{text}”")
        return value
    if col.kind == "bool":
        if text not in BOOL_VALUES:
            raise ValueError(f"应为“是”或“否”，实际为“{text}”")
        return BOOL_VALUES[text]
    if col.kind == "choice":
        for value, label in col.choices.choices:
            if text in (str(label), value):
                return value
        raise ValueError(f"“{text}”不是有效值（可选：{'、'.join(str(x) for x in col.choices.labels)}）")
    if col.kind == "decimal":
        from decimal import Decimal, InvalidOperation

        try:
            return Decimal(text).quantize(Decimal("0.000001"))
        except InvalidOperation as exc:
            raise ValueError(f"应为数字，实际为“{text}”") from exc
    if col.kind == "time":
        if isinstance(raw, datetime.time):
            return raw
        if isinstance(raw, datetime.datetime):
            return raw.time()
        try:
            return datetime.datetime.strptime(text, "%H:%M").time()
        except ValueError as exc:
            raise ValueError(f"时间格式应为 时:分，实际为“{text}”") from exc
    return text


# A record rule that reads other fields than the one it is reported on: not judged while one of those could
# not be read (its own problem is reported already, and a rule judged on a stand-in value would mislead).
RULE_READS = {
    "code": {"school_type", "region"},
    "longitude": {"latitude"},
    "noon_dismissal_time": {"gate_open_time"},
    "afternoon_dismissal_time": {"gate_open_time", "noon_dismissal_time"},
    "boarding_students": {"students"},
    "boarding": {"boarding_students"},
    "police_station": {"region"},
}
HEADERS = {c.field: c.header for c in COLUMNS}


def _record_errors(school: School, number: int, unread: set) -> list[dict]:
    """The record's own rules (``School.full_clean``) on every field that could be read, in the same round
    as the cells' problems."""
    try:
        # region and station come from the look-up tables above: no per-row existence query
        school.full_clean(exclude=["district", "region_code", "unit", "region", "police_station", *unread],
                          validate_unique=False)
    except ValidationError as exc:
        return [{"row": number, "column": HEADERS.get(field, ""), "message": message}
                for field, messages in exc.message_dict.items()
                if field not in unread and not RULE_READS.get(field, set()) & unread
                for message in messages]
    return []


def validate_rows(rows, user, progress=None):
    """Check every row; returns (schools, errors). Nothing touches the database but look-ups."""
    scope = scope_for(user, "core.import_school")
    regions = {r.code: r for r in Region.objects.filter(level__in=["county", "town"]).select_related("parent")}
    stations = {}
    for unit in Unit.objects.filter(kind=UnitKind.POLICE, level=UnitLevel.STATION):
        stations.setdefault((unit.region_code[:6], unit.name), unit)
    existing = dict(School.objects.values_list("code", "region_code"))  # code -> where it is registered
    existing_names = set(Unit.objects.filter(kind=UnitKind.SCHOOL).values_list("region_id", "name"))
    seen_names = {}
    by_header = {c.header: c for c in COLUMNS}
    seen, schools, errors = {}, [], []
    for i, (number, values) in enumerate(rows, start=1):
        row_errors = []
        data, unread = {}, set()  # unread: the fields whose cell could not be read or resolved
        for header, col in by_header.items():
            try:
                data[col.field] = _convert(col, values.get(header))
            except ValueError as exc:
                unread.add(col.field)
                row_errors.append({"row": number, "column": header, "message": str(exc)})
        code = data.get("code") or ""
        if code in existing:  # out of the user's reach: the one answer that names nothing
            message = (f"学校标识码 {code} 已存在于系统中" if scope.covers(existing[code])
                       else code_unavailable(code))
            row_errors.append({"row": number, "column": "学校标识码", "message": message})
        elif code and code in seen:
            row_errors.append({"row": number, "column": "学校标识码",
                               "message": f"学校标识码 {code} 与第 {seen[code]} 行重复"})
        seen.setdefault(code, number)
        region = regions.get(str(data.get("region") or ""))
        if data.get("region") and region is None:
            row_errors.append({"row": number, "column": "所在区划代码",
                               "message": f"未知的区划代码 {data['region']}（应为区县或乡镇街道代码）"})
        elif region is not None and not scope.covers(region.code):
            row_errors.append({"row": number, "column": "所在区划代码",
                               "message": f"区划 {region.code} {region.name} 不在您的管辖范围内"})
            region = None  # nothing more is looked up where the user cannot see
        elif region is not None:
            try:
                validate_region_code(region.code, "所在区划代码")
            except ValidationError as exc:
                row_errors.append({"row": number, "column": "所在区划代码", "message": exc.messages[0]})
        if region is None:
            unread.add("region")
        name_key = (region.code if region else "", (data.get("name") or "")[:128])
        if region is not None and name_key in existing_names:
            row_errors.append({"row": number, "column": "学校名称",
                               "message": f"{region.name}已有同名学校“{name_key[1]}”"})
        elif region is not None and name_key in seen_names:
            row_errors.append({"row": number, "column": "学校名称",
                               "message": f"学校名称与第 {seen_names[name_key]} 行重复（同一区划）"})
        seen_names.setdefault(name_key, number)
        station_name = data.pop("police_station", "") or ""
        data["region"] = region
        if station_name and region is not None:
            station = stations.get((region.code[:6], station_name))
            if station is None:
                unread.add("police_station")
                row_errors.append({"row": number, "column": "属地派出所",
                                   "message": f"在 {region.code[:6]} 未找到派出所“{station_name}”"})
            data["police_station"] = station
        school = School(**data)
        row_errors += _record_errors(school, number, unread)
        if not row_errors:
            schools.append(school)
        errors.extend(row_errors)
        if progress and i % 500 == 0:
            progress(i)
    if progress:
        progress(len(rows))
    return schools, errors


def write_schools(schools, user, *, job=None, lease=None) -> int:
    """Write every school in one transaction. With ``job``, the job is marked done in the same
    transaction, and only while ``lease`` still holds it: a worker given up as dead writes nothing."""
    with transaction.atomic():
        units = [Unit(name=s.name[:128], kind=UnitKind.SCHOOL, level=UnitLevel.SCHOOL, region_id=s.region_id,
                      region_code=s.region_id) for s in schools]
        Unit.objects.bulk_create(units, batch_size=2000)
        for school, unit in zip(schools, units, strict=True):
            school.unit = unit
            school.region_code = school.region_id
            district = school.region if school.region.level == "county" else school.region.parent
            school.district_id = district.code
        School.objects.bulk_create(schools, batch_size=2000)
        audit.record(AuditAction.IMPORT, actor=user, model="core.School", object_repr=f"导入学校 {len(schools)} 所",
                     region_code=min((s.region_code for s in schools), default="")[:2],
                     after={"count": len(schools)}, event=CoreAudit.IMPORT_SCHOOLS)
        events.emit(SCHOOLS_CHANGED, school_ids=[s.pk for s in schools])
        if job is not None:
            _test_pause("write")
            if not jobs.held(ImportJob, job.pk, lease).update(
                    status=ImportStatus.DONE, imported=len(schools), errors=[], heartbeat_at=Now(),
                    finished_at=timezone.now()):
                raise jobs.LeaseLost(job.pk)
    return len(schools)


def _test_pause(stage):
    """Test-only hook: with HUXIAO_TESTING and HUXIAO_TEST_IMPORT_PAUSE=<stage> ("validate" or "write")
    the import stops there (HUXIAO_TEST_IMPORT_PAUSE_SECONDS, a minute by default) after touching the file
    HUXIAO_TEST_IMPORT_MARKER, so that a test can kill the worker, or take its job away, at that point."""
    if not settings.TESTING or os.environ.get("HUXIAO_TEST_IMPORT_PAUSE") != stage:
        return
    pathlib.Path(os.environ["HUXIAO_TEST_IMPORT_MARKER"]).write_text(stage)
    time.sleep(float(os.environ.get("HUXIAO_TEST_IMPORT_PAUSE_SECONDS", "60")))


def run_import(job: ImportJob, progress_every=None):
    """Claim the job, validate, then write, beating all along. Leaves nothing behind on failure; a job
    that is not pending (done, failed, or running elsewhere) is returned as it is."""
    lease = jobs.claim(ImportJob, job.pk, pending=ImportStatus.PENDING, running=ImportStatus.VALIDATING)
    if lease is None:
        job.refresh_from_db()
        return job
    try:
        with jobs.Heartbeat(ImportJob, job.pk, lease) as heart:
            _run(job, lease, heart, progress_every)
    except jobs.LeaseLost:
        pass  # given up as dead while still running: whoever holds the job now decides its end
    job.refresh_from_db()
    return job


def _run(job, lease, heart, progress_every):
    def finish_failed(errors):
        jobs.held(ImportJob, job.pk, lease).update(status=ImportStatus.FAILED, errors=errors[:1000],
                                                   finished_at=timezone.now(), heartbeat_at=Now())

    try:
        with open(job.path, "rb") as fh:
            rows = read_rows(fh)
    except (ImportFileError, OSError) as exc:
        message = str(exc) if isinstance(exc, ImportFileError) else "上传的文件已不存在，请重新上传"
        finish_failed([{"row": 0, "column": "", "message": message}])
        return
    if not jobs.beat(ImportJob, job.pk, lease, total=len(rows), processed=0):
        raise jobs.LeaseLost(job.pk)

    def progress(n):
        if heart.lost or not jobs.beat(ImportJob, job.pk, lease, processed=n):
            raise jobs.LeaseLost(job.pk)
        if progress_every:
            progress_every(n, len(rows))

    schools, errors = validate_rows(rows, job.created_by, progress)
    _test_pause("validate")
    if errors:
        finish_failed(errors)
    elif not jobs.held(ImportJob, job.pk, lease).update(status=ImportStatus.WRITING, heartbeat_at=Now()):
        raise jobs.LeaseLost(job.pk)
    else:
        write_schools(schools, job.created_by, job=job, lease=lease)


def reap_stale_imports(pk=None):
    """Retry once, or fail with a reason, the imports whose worker stopped beating (periodic task, and
    the job page for its own job)."""
    def retry(job_pk):
        from huxiao.core import tasks

        tasks.import_schools_task(job_pk)

    return jobs.reap(ImportJob, pending=ImportStatus.PENDING, failed=ImportStatus.FAILED, retry=retry, pk=pk)
