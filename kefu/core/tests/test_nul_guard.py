"""A NUL character anywhere in a request's input gets a clear 400, never a 500 (PostgreSQL refuses NUL)."""


def test_a_nul_in_a_page_query_is_refused_with_a_chinese_message(client_for, agent):
    # given
    client = client_for(agent)

    # when
    response = client.get("/customers/", {"q": "王\x00建国"})

    # then
    assert response.status_code == 400
    assert "「q」" in response.content.decode() and "U+0000" in response.content.decode()


def test_a_nul_in_an_api_query_is_refused_as_json(client_for, agent):
    # given
    client = client_for(agent)

    # when
    response = client.get("/api/customers", {"q": "138\x005678"})

    # then
    assert response.status_code == 400
    assert "控制字符" in response.json()["errors"]["q"][0]


def test_a_nul_in_a_form_post_is_refused(client_for, counter_clerk):
    # given
    client = client_for(counter_clerk)

    # when
    response = client.post("/customers/new/", {"name": "王\x00建国", "kind": "individual"})

    # then
    assert response.status_code == 400
