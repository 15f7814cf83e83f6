"""Argument schemas of the agent's tools; field descriptions are prompts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.taxonomy import CategoryName, UrgencyName

NeedCode = Field(
    description="需求编号，形如 XQ240315D0001，来自居民的需求列表或提交结果"
)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubmitNeedArgs(_Args):
    category: CategoryName = Field(description="服务类别，只能从列出的类别中选一个")
    description: str = Field(
        description="需求的具体内容：需要什么帮助、服务对象是谁、有什么要注意的",
        min_length=4,
        max_length=500,
    )
    address: str = Field(
        description="服务地址，尽量包含社区、小区、楼栋，例如“柳湾路柳湾花园3栋2单元”"
    )
    contact_phone: str = Field(description="联系电话：11位手机号或带区号的固定电话")
    preferred_time: str | None = Field(
        default=None, description="希望的服务时间，例如“周三上午”；没说就不填"
    )
    urgency: UrgencyName = Field(default="一般", description="紧急程度")
    beneficiary_gender: Literal["男", "女"] | None = Field(
        default=None, description="服务对象的性别；助浴必须填写，其他类别可不填"
    )
    beneficiary_age: int | None = Field(
        default=None, ge=0, le=120, description="服务对象的年龄，知道才填"
    )


class MyNeedsArgs(_Args):
    include_closed: bool = Field(
        default=False, description="是否包括已结束、已取消和未通过的需求"
    )


class NeedRefArgs(_Args):
    need_code: str = NeedCode


class CancelNeedArgs(_Args):
    need_code: str = NeedCode
    reason: str | None = Field(default=None, description="取消原因，居民说了才填")


class MatchArgs(_Args):
    need_code: str = NeedCode
    k: int = Field(default=5, ge=1, le=20, description="返回的候选志愿者人数")


class AssignArgs(_Args):
    need_code: str = NeedCode
    volunteer_id: int = Field(
        description="志愿者编号（数字），来自匹配结果；需要两人时分两次指派"
    )


class AcceptTaskArgs(_Args):
    need_code: str | None = Field(
        default=None,
        description="要接受的需求编号，形如 XQ240315D0001，来自服务邀请通知",
    )
    assignment_id: int | None = Field(
        default=None, description="派单号（数字），邀请通知里有；与需求编号二选一"
    )

    @model_validator(mode="after")
    def _one_reference(self) -> AcceptTaskArgs:
        if self.need_code is None and self.assignment_id is None:
            raise ValueError("需要需求编号或派单号")
        return self


class MyHoursArgs(_Args):
    volunteer_id: int | None = Field(
        default=None, description="工作人员查询某位志愿者时填写；志愿者查自己时不填"
    )


class HourEntriesArgs(_Args):
    volunteer_id: int | None = Field(
        default=None, description="工作人员查询某位志愿者时填写；志愿者查自己时不填"
    )
    limit: int = Field(default=10, ge=1, le=50, description="显示最近多少条")


class CertificateArgs(_Args):
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="证明覆盖的年份；不填为全部时长"
    )
    volunteer_id: int | None = Field(
        default=None, description="工作人员为某位志愿者开具时填写；志愿者本人不填"
    )


class BindVolunteerArgs(_Args):
    code: str = Field(
        description="工作人员发给志愿者的8位绑定码", min_length=4, max_length=16
    )


class OrgStatisticsArgs(_Args):
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="统计年份；不填为累计"
    )
