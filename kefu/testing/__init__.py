"""What the test suite shares: the one test world (`world.py`). Imported by the root conftest only."""
