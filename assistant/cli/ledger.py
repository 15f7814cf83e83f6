"""``weiai ledger``: verify the hours ledger, look up hours, issue certificates.

These commands act with staff rights: whoever runs them already holds the
database itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.cli.app import app, runtime
from tools import ledger
from tools.actors import Actor
from tools.certificates import (
    certificate_text,
    issue_certificate,
    render_pdf,
    verify_certificate,
)
from tools.db import Certificate, Project, Volunteer, session_scope, upgrade
from tools.errors import NotFound

ledger_app = typer.Typer(
    help="时间银行：校验账本、查询时长、出具志愿服务记录证明。", no_args_is_help=True
)
certificate_app = typer.Typer(
    help="志愿服务记录证明：出具与核验。", no_args_is_help=True
)
ledger_app.add_typer(certificate_app, name="certificate")
app.add_typer(ledger_app, name="ledger")

OPERATOR = Actor(role="staff")
KIND_LABELS = {"earn": "服务", "exchange": "兑换", "move": "转移", "grant": "发放"}


def _hours(minutes: int) -> str:
    return f"{round(minutes / 60, 1):g}"


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} 应为 YYYY-MM-DD 格式的日期") from None


def _volunteer_id(session: Session, code: str) -> int:
    found = session.scalar(select(Volunteer.id).where(Volunteer.code == code))
    if found is None:
        raise NotFound(f"没有编号为 {code} 的志愿者。")
    return int(found)


@ledger_app.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """重新计算整条哈希链，指出第一笔被篡改、插入或删除的记录。"""
    rt = runtime(ctx)
    upgrade(rt.engine)
    report = ledger.verify_chain(rt.engine)
    typer.echo(report.describe())
    if not report.ok:
        raise typer.Exit(1)


@ledger_app.command("balance")
def balance_command(
    ctx: typer.Context,
    volunteer_code: str = typer.Argument(..., help="志愿者编号，例如 V00001"),
    year: int | None = typer.Option(None, help="统计年份，默认今年。"),
) -> None:
    """显示一名志愿者的时长余额、本年时长、各项目时长与最近记录。"""
    rt = runtime(ctx)
    upgrade(rt.engine)
    with session_scope(rt.sessions) as session:
        vid = _volunteer_id(session, volunteer_code)
        summary = ledger.hours_summary(session, OPERATOR, vid, year=year)
        inputs = ledger.vanguard_inputs(session, OPERATOR, vid, year=summary.year)
        entries = ledger.last_entries(session, OPERATOR, vid, limit=5)
        names = dict(session.execute(select(Project.code, Project.name)).all())

    typer.echo(f"{summary.name}（{summary.code}）")
    typer.echo(f"  余额：{_hours(summary.balance)} 小时")
    for code, minutes in summary.balance_by_project.items():
        typer.echo(f"    {names.get(code, code)}：{_hours(minutes)} 小时")
    typer.echo(f"  {summary.year} 年服务：{_hours(summary.earned_in_year)} 小时")
    for code, minutes in summary.earned_in_year_by_project.items():
        typer.echo(f"    {names.get(code, code)}：{_hours(minutes)} 小时")
    typer.echo(f"  累计服务：{_hours(summary.earned_total)} 小时")
    score = inputs.satisfaction
    satisfaction = "暂无评价" if score is None else f"{score:g}"
    typer.echo(
        f"  先锋指数输入：年度 {inputs.hours:g}/{ledger.HOURS_STANDARD} 小时，"
        f"满意度 {satisfaction}/{ledger.SATISFACTION_STANDARD}"
        f"（{inputs.ratings} 条评价）"
    )
    typer.echo("  最近记录：")
    for e in entries:
        line = f"#{e.seq} {e.at:%Y-%m-%d} {KIND_LABELS.get(e.kind, e.kind)}"
        project = names.get(e.project_code, e.project_code)
        typer.echo(f"    {line} {project} {e.minutes:+d} 分钟 {e.memo}")


@certificate_app.command("issue")
def certificate_issue_command(
    ctx: typer.Context,
    volunteer_code: str = typer.Argument(..., help="志愿者编号"),
    start: str = typer.Option(..., "--from", help="开始日期 YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="结束日期 YYYY-MM-DD（含当天）"),
    out: str = typer.Option(..., "--out", help="PDF 输出路径"),
    issuer: str | None = typer.Option(
        None, help="记录单位（出具证明的组织）名称，默认 WEIAI_ORG_NAME。"
    ),
) -> None:
    """依据账本出具志愿服务记录证明（PDF），先校验账本完整。"""
    since, until = _date(start, "--from"), _date(end, "--to")
    rt = runtime(ctx)
    upgrade(rt.engine)
    with session_scope(rt.sessions) as session:
        vid = _volunteer_id(session, volunteer_code)
        issuer = issuer or rt.settings.org_name
        cert = issue_certificate(session, OPERATOR, vid, since, until, issuer=issuer)
        text = certificate_text(session, cert)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_pdf(text, path)
    typer.echo(
        f"已出具证明 {cert.serial}：{text.name}，{text.period}，{text.hours} 小时"
    )
    typer.echo(f"PDF：{path}")


@certificate_app.command("verify")
def certificate_verify_command(
    ctx: typer.Context, serial: str = typer.Argument(..., help="证明编号")
) -> None:
    """核验证明：时长仍与所依据的账本记录一致，且账本完整。"""
    rt = runtime(ctx)
    upgrade(rt.engine)
    with session_scope(rt.sessions) as session:
        check = verify_certificate(session, serial)
        cert = session.scalar(
            select(Certificate).where(Certificate.serial == check.serial)
        )
        text = certificate_text(session, cert) if cert else None
    if text is not None:
        who = f"{text.name}（{text.volunteer_code}）"
        typer.echo(f"{who}，{text.period}，{text.hours} 小时，{text.issuer}")
    typer.echo(check.describe())
    if not check.ok:
        raise typer.Exit(1)
