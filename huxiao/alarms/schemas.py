"""Bodies and answers of the alarm API's operations on the alarm history and the DC-09 accounts (the
device intake's own schemas stay beside it in api.py)."""

from typing import Literal

from ninja import Field, Schema

from huxiao.alarms.choices import Disposition


class Dc09In(Schema):
    account: str = Field(..., min_length=3, max_length=16, description="DC-09 账号，与主机中设置的完全一致（3–16 位十六进制数字）")
    key: str = Field("", max_length=64, description="AES 密钥，留空为不加密：十六进制 32/48/64 位（AES-128/192/256）"
                     "，或 key_form=chars 时 16/24/32 个字符")
    key_form: Literal["hex", "chars"] = Field("hex", description="密钥格式：hex 十六进制（标准）；chars 字符（旧式主机）")
    timestamp_optional: bool = Field(False, description="允许不带时间戳的报文（仅限不加密的旧式主机，有重放风险）")


class Dc09Out(Schema):  # read from the panel's device record (never the key itself)
    device_id: int = Field(alias="pk")
    account: str = Field(alias="dc09_account")
    encrypted: bool
    key_form: str = Field(alias="dc09_key_form")
    timestamp_optional: bool = Field(alias="dc09_timestamp_optional")

    @staticmethod
    def resolve_encrypted(device):
        return bool(device.dc09_key_encrypted)


class DispatchIn(Schema):
    unit_id: int | None = Field(None, description="出警单位（公安单位）：该校属地派出所或您辖区内的公安单位；"
                                "不填为该校属地派出所")
    officer_id: int | None = Field(None, description="出警民警（出警单位的用户）；本单位出警时必填")


class AssignIn(Schema):
    officer_id: int = Field(..., description="出警民警（出警单位的用户）")


class CloseIn(Schema):
    disposition: Disposition
    notes: str = Field("", max_length=2000)
