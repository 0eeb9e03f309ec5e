"""`hotline keys`: sealing keys: rotate requester data to the current key."""

from __future__ import annotations

import click

from hotline import sealing
from hotline.config import ConfigError, load_settings
from hotline.policy import PolicyError
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services(load_settings())
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group("keys")
def keys() -> None:
    """Sealing keys: rotate requester data to the current key."""


@keys.command("new")
@click.argument("key_id")
def keys_new(key_id: str) -> None:
    """Print a fresh key as `KEY_ID:base64`, to put first in HOTLINE_DATA_KEYS."""
    if not sealing.KEY_ID.fullmatch(key_id):
        raise click.BadParameter("letters, digits, - or _ (at most 32)", param_hint="KEY_ID")
    click.echo(f"{key_id}:{sealing.new_key()}")


@keys.command("status")
def keys_status() -> None:
    """How many sealed values each key holds, how many are still clear text, and the phone
    hashes still missing; fails when a value is under a key id the keyring lacks, or a key
    does not open the values under its id."""
    from hotline.sealing_rotation import check_keys, status, unknown_key_ids

    services = _services()
    keyring = sealing.installed()
    try:
        with services.transaction() as session:
            counts = status(session, keyring)
            unknown = unknown_key_ids(session, keyring)
            check_keys(session, keyring)
    except sealing.SealingError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        services.dispose()
    click.echo(f"current key: {keyring.current} (keys from {keyring.source})")
    heads = [*keyring.key_ids, "clear", "unknown", "no hash"]
    widths = [max(7, len(h)) for h in heads]
    first = max(len(c.column) for c in counts)
    row = [f"{'column':<{first}}", *(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True))]
    click.echo(" ".join(row))
    for c in counts:
        missing = "-" if c.missing_hashes is None else c.missing_hashes
        cells = [*(c.by_key[k] for k in keyring.key_ids), c.clear, c.unknown, missing]
        row = [f"{c.column:<{first}}", *(f"{v:>{w}}" for v, w in zip(cells, widths, strict=True))]
        click.echo(" ".join(row))
    if unknown:
        raise click.ClickException(
            f"values sealed under key id(s) {', '.join(unknown)} do not open: "
            f"{sealing.DATA_KEYS} does not hold them (add them after the current key)"
        )


@keys.command("rotate")
@click.option(
    "--batch",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="rows per transaction",
)
def keys_rotate(batch: int) -> None:
    """Re-seal every value not under the current key (the first of HOTLINE_DATA_KEYS), seal
    clear text left from before sealing and fill missing phone hashes. Each batch commits on
    its own: run it again after an interruption and it carries on."""
    from hotline.sealing_rotation import pending, rotate

    services = _services()
    keyring = sealing.installed()
    try:
        with services.transaction() as session:
            total = pending(session, keyring)
        if not total:
            click.echo(f"nothing to rotate: every value is sealed under {keyring.current}")
            return
        label = f"re-sealing {total} rows under {keyring.current}"
        try:
            with click.progressbar(length=total, label=label) as bar:
                done = rotate(services.transaction, batch, bar.update)
        except sealing.SealingError as exc:
            raise click.ClickException(f"{exc}; the batches before it are kept") from None
        with services.transaction() as session:
            left = pending(session, keyring)
    finally:
        services.dispose()
    for table, count in done.rewritten.items():
        click.echo(f"{table}: {count} rows re-sealed")
    if done.changed_meanwhile:
        click.echo(f"{done.changed_meanwhile} rows changed meanwhile were left for the next run")
    if left:
        raise click.ClickException(f"{left} rows still to rotate: run it again")
    click.echo(f"every value is sealed under {keyring.current}")
