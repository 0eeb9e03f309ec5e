"""A demo city: 15 units across districts, one user per role, and everyone's contacts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import bulletins
from hotline.directory import add_unit, add_user, reissue_token
from hotline.messages.contacts import DUTY_OFFICE, GOVERNMENT, HANDLER, LEADER, add_contact
from hotline.models import Ticket, Unit, User
from hotline.models.bulletins import Bulletin
from hotline.models.messages import Contact
from hotline.passwords import hash_password
from hotline.policy.bulletins import publication_period
from hotline.policy.model import Profile
from hotline.stats import generate_bulk
from hotline.statuses import Role

DEMO_UNITS = [
    ("ZJJ", "示范市住房和城乡建设局", "市直"),
    ("SJJ", "示范市市场监督管理局", "市直"),
    ("HBJ", "示范市生态环境局", "市直"),
    ("RSJ", "示范市人力资源和社会保障局", "市直"),
    ("JTJ", "示范市交通运输局", "市直"),
    ("JYJ", "示范市教育局", "市直"),
    ("WJW", "示范市卫生健康委员会", "市直"),
    ("GAJ", "示范市公安局", "市直"),
    ("WATER", "示范市自来水公司", "市直"),
    ("POWER", "国网示范市供电公司", "市直"),
    ("LZQ", "利州区人民政府", "利州区"),
    ("ZHQ", "昭化区人民政府", "昭化区"),
    ("CTQ", "朝天区人民政府", "朝天区"),
    ("WCX", "旺苍县人民政府", "旺苍县"),
    ("QCX", "青川县人民政府", "青川县"),
]

DEMO_USERS = [
    ("demo-operator", Role.OPERATOR, None),
    ("demo-center", Role.CENTER, None),
    ("demo-unit-zjj", Role.UNIT, "ZJJ"),
    ("demo-unit-lzq", Role.UNIT, "LZQ"),
    ("demo-unit-hbj", Role.UNIT, "HBJ"),
    ("demo-reviewer-zjj", Role.UNIT, "ZJJ"),
    ("demo-supervisor", Role.SUPERVISOR, None),
    ("demo-leader", Role.LEADER, None),
    ("demo-authority", Role.AUTHORITY, None),
    ("demo-admin", Role.ADMIN, None),
    ("demo-auditor", Role.AUDITOR, None),
]


# Every demo user signs in to the web workplace with this password (a demo, never a real one).
DEMO_PASSWORD = "demo12345"

REVIEWERS = ("demo-reviewer-zjj",)  # ZJJ's knowledge reviewer (审核人)

DEMO_MAIL = "shifan.example"  # the reserved .example domain: demo mail goes nowhere real


@dataclass(frozen=True)
class DemoContact:
    """One demo contact (hotline.messages.contacts.add_contact's arguments)."""

    unit_code: str | None
    district: str | None
    role: str
    name: str
    phone: str
    email: str


def demo_contacts() -> list[DemoContact]:
    """Every demo contact: a handler (经办人) and a leader (分管领导) per demo unit, a local
    government (属地政府) per demo district and the government duty office (政府值班室).

    Made-up mobiles: 1390000NNNN (the n-th unit's handler n×10+1, its leader n×10+2),
    governments 1390001NNNN, the duty office 13900020000; e-mails `…@shifan.example`.
    """
    found = []
    for n, (code, name, _district) in enumerate(DEMO_UNITS, start=1):
        mail = f"{code.lower()}.{{}}@{DEMO_MAIL}"
        found += [
            DemoContact(code, None, HANDLER, f"{name}经办人", f"1390000{n * 10 + 1:04d}",
                        mail.format(HANDLER)),
            DemoContact(code, None, LEADER, f"{name}分管领导", f"1390000{n * 10 + 2:04d}",
                        mail.format(LEADER)),
        ]  # fmt: skip
    districts = dict.fromkeys(district for _c, _n, district in DEMO_UNITS)
    for n, district in enumerate(districts, start=1):
        office = "示范市人民政府办公室" if district == "市直" else f"{district}人民政府办公室"
        phone, email = f"1390001{n:04d}", f"government{n}@{DEMO_MAIL}"
        found.append(DemoContact(None, district, GOVERNMENT, office, phone, email))
    duty = ("示范市人民政府总值班室", "13900020000", f"duty_office@{DEMO_MAIL}")
    found.append(DemoContact(None, None, DUTY_OFFICE, *duty))
    return found


def load_demo_contacts(session: Session) -> int:
    """Add each demo contact whose unit or district has no contact of its role yet
    (idempotent; contacts edited since are kept); how many were added."""
    existing = {(c.unit_code, c.district, c.role) for c in session.scalars(select(Contact))}
    added = 0
    for demo in demo_contacts():
        if (demo.unit_code, demo.district, demo.role) not in existing:
            add_contact(session, **asdict(demo))
            added += 1
    return added


def load_demo(session: Session, token_days: int = 0) -> dict[str, str]:
    """Create the demo units, their contacts and users (idempotent); return fresh tokens by
    user name, working for `token_days` days (0: until revoked). Demo users without a
    password get DEMO_PASSWORD for the web workplace.

    Re-running re-issues the demo users' tokens, since only hashes are stored.
    """
    for code, name, district in DEMO_UNITS:
        if session.get(Unit, code) is None:
            add_unit(session, code, name, district)
    session.flush()
    load_demo_contacts(session)
    tokens = {}
    for name, role, unit in DEMO_USERS:
        user = session.scalars(select(User).where(User.name == name, User.role == role)).first()
        if user is None:
            reviewer = name in REVIEWERS
            tokens[name] = add_user(
                session,
                name,
                role,
                unit,
                reviewer=reviewer,
                token_days=token_days,
            )
        else:
            tokens[name] = reissue_token(session, user, token_days)
    for user in session.scalars(select(User).where(User.name.in_([n for n, _r, _u in DEMO_USERS]))):
        if user.password_hash is None:
            user.password_hash = demo_password_hash()
    return tokens


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    """The hash of DEMO_PASSWORD, made once per process (scrypt is slow on purpose)."""
    return hash_password(DEMO_PASSWORD)


# Generated tickets per demo unit and month of the demo bulletin's period (seeded stories).
DEMO_TICKETS_PER_UNIT_MONTH = 24
DEMO_SEED = 13
DEMO_BY = "hotline demo"  # created_by of the demo bulletin


def load_demo_bulletin(session: Session, profile: Profile, now: datetime) -> tuple[Bulletin, bool]:
    """The bulletin (通报) of the last period ended by `now`, over a generated history of
    that period when it has no ticket yet (hotline.stats.generate_bulk, seeded); (the
    bulletin, whether it is new). Idempotent: a period with a bulletin is left as it is."""
    period = bulletins.last_ended(publication_period(profile), now)
    existing = bulletins.latest_version(session, profile, period)
    if existing is not None:
        return existing, False
    busy = session.scalar(
        select(Ticket.id)
        .where(Ticket.created_at >= period.start, Ticket.created_at < period.end)
        .limit(1)
    )
    if busy is None:
        months = sorted({f"{day.year}-{day.month:02d}" for day in period.days()})
        units = [code for code, _name, _district in DEMO_UNITS]
        generate_bulk(
            session,
            profile,
            tickets=DEMO_TICKETS_PER_UNIT_MONTH * len(units) * len(months),
            months=months,
            units=units,
            districts=sorted({district for _c, _n, district in DEMO_UNITS} - {"市直"}),
            seed=DEMO_SEED,
        )
    row = bulletins.generate(
        session, profile, period, reason=bulletins.BulletinReason.ON_DEMAND, by=DEMO_BY, now=now
    )
    return row, True
