"""Issue 11 item 10: the API answers JSON for its errors too, never Django's HTML pages."""

import json
import logging


def test_an_unmatched_api_path_answers_a_json_404(client_for, agent):
    # given
    client = client_for(agent)

    # when
    response = client.get("/api/no-such-thing/42")

    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "接口不存在" in response.json()["detail"]
    assert "Resolver404" not in response.content.decode()


def test_an_unmatched_api_path_answers_json_even_without_a_login(client, db):
    # when
    response = client.post("/api/hotline/no-such-thing", "{}", content_type="application/json")

    # then
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_unmatched_page_path_still_shows_the_html_page(client_for, agent):
    # when
    response = client_for(agent).get("/no-such-page/")

    # then
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unhandled_error_inside_the_api_answers_json_with_a_request_id_that_the_log_names(
    client_for, agent, monkeypatch, caplog
):
    # given: the classifier fails in a way no handler knows (a broken model file, say)
    def broken_classifier(text):
        raise RuntimeError("model file damaged")

    monkeypatch.setattr("kefu.hotline.classifier.suggest", broken_classifier)
    client = client_for(agent)

    # when
    with caplog.at_level(logging.ERROR, logger="kefu.api"):
        response = client.post(
            "/api/hotline/classify", json.dumps({"text": "家里没水了"}), content_type="application/json"
        )

    # then
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == "服务器内部错误"
    assert "model file damaged" not in response.content.decode()
    request_id = body["request_id"]
    assert response["X-Request-ID"] == request_id
    logged = [record for record in caplog.records if request_id in record.getMessage()]
    assert logged, "the log line names the request id of the answer"
    assert logged[0].exc_info and "model file damaged" in str(logged[0].exc_info[1])
