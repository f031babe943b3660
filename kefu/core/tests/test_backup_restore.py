"""scripts/backup.sh and scripts/restore.sh, run for real against the test database (docs/DEPLOY.md).

Transactional: pg_dump runs in its own session and sees committed rows only.
"""

import os
import subprocess
import tarfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from kefu.customers.tests.factories import AccountFactory, CustomerFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: pg_dump and pg_restore"),
    pytest.mark.django_db(transaction=True),
]

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{quote(db['USER'] or '', safe='')}{password}@{host}{port}/{name}"


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(drop)
    yield name
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(drop)


def run(*command: str, env: dict | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_backup_restores_into_a_new_database_with_the_rows_and_documents(tmp_path, restored_name):
    # given archive rows committed in the database, and an uploaded document
    customer = CustomerFactory(name="王建国", address="西湖区文三路100号1幢1单元101室")
    AccountFactory(customer=customer, number="0000004250", arrears=Decimal("42.50"))
    media_root = tmp_path / "media"
    (media_root / "documents").mkdir(parents=True)
    (media_root / "documents" / "身份证.pdf").write_bytes(b"%PDF-1.4 scan")
    env = {**os.environ, "MEDIA_ROOT": str(media_root), "KEFU_BACKUP_KEEP_DAYS": "0"}

    # when it is backed up and restored into a new database
    out = run(
        str(SCRIPTS / "backup.sh"), database_url(connection.settings_dict["NAME"]), str(tmp_path), env=env
    )
    archive = Path(out.strip().splitlines()[-1])
    report = run(str(SCRIPTS / "restore.sh"), str(archive), database_url(restored_name), env=env)

    # then the archive is date-stamped and checksummed, and the rows came back
    assert archive.name.startswith(f"kefu-{connection.settings_dict['NAME']}-20")
    assert archive.suffix == ".dump"
    assert Path(f"{archive}.sha256").exists()
    assert f"restored {restored_name}" in report
    assert "schema matches this version of kefu" in report
    with psycopg.connect(database_url(restored_name)) as conn:
        row = conn.execute(
            "SELECT c.name, c.address, a.arrears FROM customers_customer c "
            "JOIN customers_account a ON a.customer_id = c.id WHERE c.number = %s",
            [customer.number],
        ).fetchone()
        assert row == ("王建国", "西湖区文三路100号1幢1单元101室", Decimal("42.50"))
        # and in a UTF-8 locale, where trigram search sees Chinese characters (in 'C' it sees none)
        assert conn.execute("SELECT show_trgm('王建国') <> '{}'").fetchone()[0] is True
    # and the documents are in a tarball beside it
    (media,) = tmp_path.glob("kefu-media-*.tar.gz")
    with tarfile.open(media) as tar:
        assert "./documents/身份证.pdf" in tar.getnames()


def test_restore_refuses_a_database_that_exists(tmp_path):
    # given an archive and a target that is the live database itself
    name = connection.settings_dict["NAME"]
    env = {**os.environ, "KEFU_BACKUP_MEDIA": "false", "KEFU_BACKUP_KEEP_DAYS": "0"}
    archive = (
        run(str(SCRIPTS / "backup.sh"), database_url(name), str(tmp_path), env=env).strip().splitlines()[-1]
    )

    # when a restore is pointed at it
    result = subprocess.run(
        [str(SCRIPTS / "restore.sh"), archive, database_url(name)], capture_output=True, text=True, env=env
    )

    # then nothing is touched
    assert result.returncode == 1
    assert "already exists" in result.stderr
