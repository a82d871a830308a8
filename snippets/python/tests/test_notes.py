def test_create_returns_201_and_the_stored_note(client):
    response = client.post("/notes", json={"title": " milk ", "body": "2 l"})
    assert response.status_code == 201
    assert response.json() == {
        "id": 1,
        "title": "milk",
        "body": "2 l",
        "created_at": "2026-12-01T09:00:00Z",
    }
    assert client.get("/notes/1").json()["title"] == "milk"


def test_list_honours_the_limit_and_bounds_it(client):
    for title in ("a", "b", "c"):
        client.post("/notes", json={"title": title})
    assert [n["title"] for n in client.get("/notes?limit=2").json()] == ["a", "b"]
    assert client.get("/notes?limit=0").status_code == 422
    assert client.get("/notes?limit=101").status_code == 422


def test_unknown_note_is_404_and_a_bad_id_is_422(client):
    assert client.get("/notes/99").status_code == 404
    assert client.get("/notes/0").status_code == 422
    assert client.get("/notes/abc").status_code == 422


def test_invalid_body_is_422_naming_the_field_and_nothing_is_stored(client):
    response = client.post("/notes", json={"title": "", "owner": "mallory"})
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert fields == {("body", "title"), ("body", "owner")}
    assert client.get("/notes").json() == []


def test_cap_from_settings_gives_409(client):
    for title in ("a", "b", "c"):
        assert client.post("/notes", json={"title": title}).status_code == 201
    response = client.post("/notes", json={"title": "d"})
    assert response.status_code == 409
    assert response.json() == {"detail": "the store holds 3 notes already"}


def test_a_body_over_the_cap_is_413_before_it_is_parsed(client):
    # 200 KB of JSON is refused by size, not read and then validated.
    huge = '{"title": "a", "body": "' + "x" * 200_000 + '"}'
    response = client.post(
        "/notes", content=huge, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert client.get("/notes").json() == []


def test_the_largest_valid_note_fits_under_the_cap_even_escaped(client):
    # Every character as a JSON surrogate pair: 12 bytes each.
    escaped = '{"title": "%s", "body": "%s"}' % (
        "\\ud83d\\ude00" * 200,
        "\\ud83d\\ude00" * 10_000,
    )
    response = client.post(
        "/notes", content=escaped, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201
    assert len(response.json()["body"]) == 10_000
