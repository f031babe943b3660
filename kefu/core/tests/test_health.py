"""The health check answers without login, for the load balancer and the monitor."""

from django.db import connection


def test_the_health_check_answers_without_login(client, db):
    # given nobody is logged in
    # when the monitor asks
    response = client.get("/api/health")
    # then the answer is ok and names the database
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert response.json()["database"] in ("sqlite", "postgresql")


def test_the_health_check_needs_no_token_either(client, db):
    response = client.get("/api/health", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
