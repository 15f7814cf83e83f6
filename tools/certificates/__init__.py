"""Certificates of volunteer service (志愿服务记录证明): issue, print, verify."""

from tools.certificates.issue import (
    CertificateCheck,
    certificate_text,
    issue_certificate,
    verify_certificate,
)
from tools.certificates.pdf import CertificateText, render_pdf

__all__ = [
    "CertificateCheck",
    "CertificateText",
    "certificate_text",
    "issue_certificate",
    "render_pdf",
    "verify_certificate",
]
