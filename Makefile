# kefu: the two commands of the README's quick start, and a few helpers.
.PHONY: run test install lint bench-small clean-db

run:            ## install, migrate, load the demo water utility, serve on http://127.0.0.1:8000
	@bash scripts/run.sh

test:           ## install test needs (Chromium, CJK fonts) and run the whole suite on SQLite and PostgreSQL
	@bash scripts/test.sh

install:
	@bash scripts/install.sh

lint:
	.venv/bin/ruff check kefu bench
	.venv/bin/lint-imports
	.venv/bin/python manage.py makemigrations --check --dry-run

clean-db:       ## forget the embedded SQLite database (the demo data is rebuilt by `make run`)
	rm -f var/kefu.sqlite3 var/kefu.sqlite3-wal var/kefu.sqlite3-shm
