"""The HTTP API and the pages, through the real app (FastAPI TestClient) over the sample corpus
run through the real pipeline."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from newsweave.store import Store
from newsweave.web import create_app
from newsweave.web.api import EVENT_CSV_COLUMNS
from newsweave.web.render import Mark, render_marked, safe_url, timeline_svg
from web_support import copy_db, corpus_db, fact_with_shared_evidence, richest_story, running_server

CONTRACT_STORY_KEYS = {"id", "title", "article_ids", "event_date", "facts", "quotes", "events", "timeline", "brief"}
CONTRACT_FACT_KEYS = {"id", "text", "status", "article_ids", "evidence", "conflict"}
ENVELOPE = {"items", "total", "limit", "offset"}


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_db(tmp_path_factory.mktemp("webcorpus"))


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    """Read-only tests share one app over the corpus database."""
    with TestClient(create_app(str(db))) as c:
        yield c


@pytest.fixture
def writable(db: Path, tmp_path: Path) -> TestClient:
    """A private copy of the corpus for tests that write."""
    with TestClient(create_app(str(copy_db(db, tmp_path)))) as c:
        yield c


@pytest.fixture(scope="module")
def story(client: TestClient) -> dict[str, Any]:
    rows = client.get("/api/stories", params={"limit": 1000}).json()["items"]
    assert rows, "the sample corpus formed no story"
    return client.get(f"/api/stories/{richest_story(rows)['id']}").json()


def store_of(db: Path) -> Store:
    return Store(db)


# ------------------------------------------------------------------ meta


def test_health_openapi_and_offline_docs(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["counts"]["articles"] > 0
    schema = client.get("/openapi.json").json()
    for path in ("/api/articles", "/api/stories/{story_id}/facts", "/api/events.csv", "/api/search", "/api/ingest"):
        assert path in schema["paths"], path
    assert "IngestItem" in schema["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text  # served locally: no CDN
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


# ------------------------------------------------------------------ articles


def test_articles_pagination(client: TestClient, db: Path) -> None:
    with store_of(db) as store:
        n = store.count_articles()
    first = client.get("/api/articles", params={"limit": 2}).json()
    assert set(first) >= ENVELOPE and first["total"] == n and first["limit"] == 2 and first["offset"] == 0
    assert len(first["items"]) == min(2, n)
    every = client.get("/api/articles", params={"limit": 1000}).json()["items"]
    assert len(every) == n and len({a["id"] for a in every}) == n
    second = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()["items"]
    assert [a["id"] for a in second] == [a["id"] for a in every[2:4]]
    assert client.get("/api/articles", params={"offset": n + 5}).json()["items"] == []
    item = every[0]
    assert {"id", "title", "outlet", "published", "url", "authors", "story_id"} <= set(item)
    assert "body" not in item  # lists stay light; the body is in /api/articles/{id}


def test_articles_filters(client: TestClient, db: Path) -> None:
    every = client.get("/api/articles", params={"limit": 1000}).json()["items"]
    outlet = next(a["outlet"] for a in every if a["outlet"])
    by_outlet = client.get("/api/articles", params={"outlet": outlet}).json()
    assert by_outlet["total"] == sum(a["outlet"] == outlet for a in every)
    assert all(a["outlet"] == outlet for a in by_outlet["items"])

    days = sorted(a["published"][:10] for a in every if a["published"])
    mid = days[len(days) // 2]
    since = client.get("/api/articles", params={"since": mid, "limit": 1000}).json()["items"]
    until = client.get("/api/articles", params={"until": mid, "limit": 1000}).json()["items"]
    assert since and all(a["published"][:10] >= mid for a in since)
    assert until and all(a["published"][:10] <= mid for a in until)
    month = client.get("/api/articles", params={"until": mid[:7], "limit": 1000}).json()["items"]
    assert {a["id"] for a in until} <= {a["id"] for a in month}  # "until a month" includes the whole month

    entities = client.get("/api/entities", params={"limit": 5}).json()["items"]
    assert entities, "extraction found no entity in the sample corpus"
    ent = entities[0]
    by_entity = client.get("/api/articles", params={"entity": ent["id"], "limit": 1000}).json()
    assert by_entity["total"] == len(ent["article_ids"])
    assert {a["id"] for a in by_entity["items"]} == set(ent["article_ids"])

    word = _distinctive_word(client, every[0]["id"])
    by_text = client.get("/api/articles", params={"q": word, "limit": 1000}).json()["items"]
    assert every[0]["id"] in {a["id"] for a in by_text}


def test_article_detail_and_raw(client: TestClient) -> None:
    aid = client.get("/api/articles").json()["items"][0]["id"]
    record = client.get(f"/api/articles/{aid}").json()
    for key in ("id", "path", "outlet", "title", "authors", "published", "published_estimated", "language", "body",
                "timexes", "quotes", "events"):
        assert key in record, key
    assert record["story"]["id"]
    raw = client.get(f"/api/articles/{aid}/raw")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/plain")
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/articles/{aid}/raw").text == raw.text


def test_bad_parameters_are_422_json(client: TestClient) -> None:
    for params in ({"limit": 0}, {"limit": 5000}, {"offset": -1}, {"since": "yesterday"}, {"until": "2026-3-1"}):
        r = client.get("/api/articles", params=params)
        assert r.status_code == 422, params
        body = r.json()
        assert body["error"].startswith("invalid request") and body["problems"], params
    assert client.get("/api/search").status_code == 422  # q is required
    assert client.get("/api/stories/x/facts", params={"status": "maybe"}).status_code == 422


def test_not_found_is_json(client: TestClient) -> None:
    for path in ("/api/articles/nope", "/api/articles/nope/raw", "/api/stories/nope", "/api/stories/nope/facts",
                 "/api/entities/person:nobody", "/api/no-such-route"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"]
    assert client.delete("/api/articles").status_code == 405
    page = client.get("/stories/nope", headers={"accept": "text/html"})
    assert page.status_code == 404 and "no story with id" in page.text


# ------------------------------------------------------------------ search


def _distinctive_word(client: TestClient, article_id: str) -> str:
    body = client.get(f"/api/articles/{article_id}").json()["body"]
    words = re.findall(r"[A-Za-z]{7,}", body)
    assert words, "article has no long word"
    return max(words, key=len)


def test_full_text_search(client: TestClient) -> None:
    aid = client.get("/api/articles").json()["items"][0]["id"]
    word = _distinctive_word(client, aid)
    result = client.get("/api/search", params={"q": word}).json()
    assert set(result) >= ENVELOPE and result["total"] >= 1
    hit = next(h for h in result["items"] if h["id"] == aid)
    assert hit["highlights"], "no match marked in the snippet"
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end].lower() == word.lower()
    assert client.get("/api/search", params={"q": "zzqxqzz"}).json() == {
        "items": [], "total": 0, "limit": 20, "offset": 0, "q": "zzqxqzz"}
    # FTS syntax in user text is neutralised, not an error
    assert client.get("/api/search", params={"q": 'NEAR( "unclosed'}).status_code == 200


# ------------------------------------------------------------------ stories


def test_stories_list(client: TestClient, db: Path) -> None:
    page = client.get("/api/stories", params={"limit": 1000}).json()
    assert set(page) >= ENVELOPE and page["total"] == len(page["items"]) > 0
    for row in page["items"]:
        assert {"id", "title", "event_date", "n_articles", "n_outlets", "article_ids", "facts"} <= set(row)
        assert set(row["facts"]) == {"corroborated", "single_source", "conflicting"}
    with store_of(db) as store:  # the count mirrors story_rows' filters
        outlet = store.outlets()[0][0]
        for filters in ({}, {"outlet": outlet}, {"since": "2026-03-11"}, {"until": "2026-03-10"}, {"query": "Holt"}):
            assert store.count_story_rows(**filters) == len(store.story_rows(**filters)), filters
    one = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert one["items"][0]["id"] == page["items"][1]["id"]
    by_outlet = client.get("/api/stories", params={"outlet": outlet, "limit": 1000}).json()
    assert 0 < by_outlet["total"] <= page["total"]


def test_story_detail_follows_the_report_contract(client: TestClient, story: dict[str, Any]) -> None:
    assert set(story) >= CONTRACT_STORY_KEYS
    assert len(story["articles"]) == len(story["article_ids"]) >= 2
    assert story["facts"], "the richest story has no facts"
    bodies = {a: client.get(f"/api/articles/{a}").json()["body"] for a in story["article_ids"]}
    for fact in story["facts"]:
        assert set(fact) >= CONTRACT_FACT_KEYS
        assert fact["status"] in ("corroborated", "single_source", "conflicting")
        assert set(fact["article_ids"]) <= set(story["article_ids"])
        for ev in fact["evidence"]:
            assert bodies[ev["article_id"]][ev["start"]:ev["end"]].strip() == ev["sentence"].strip()
        if fact["status"] == "conflicting":
            assert fact["conflict"]["slot"] and len(fact["conflict"]["values"]) >= 2
    counts = story["fact_counts"]
    assert sum(counts.values()) == len(story["facts"])
    assert isinstance(story["brief"], str) and story["brief"].strip()


def test_story_subresources(client: TestClient, story: dict[str, Any]) -> None:
    sid = story["id"]
    for key in ("facts", "quotes", "events", "timeline"):
        page = client.get(f"/api/stories/{sid}/{key}", params={"limit": 1000}).json()
        assert set(page) >= ENVELOPE and page["story_id"] == sid
        assert page["items"] == story[key] and page["total"] == len(story[key])
    corroborated = client.get(f"/api/stories/{sid}/facts", params={"status": "corroborated"}).json()
    assert corroborated["total"] == story["fact_counts"]["corroborated"]
    assert all(f["status"] == "corroborated" for f in corroborated["items"])
    two = client.get(f"/api/stories/{sid}/facts", params={"limit": 2, "offset": 1}).json()["items"]
    assert two == story["facts"][1:3]

    brief = client.get(f"/api/stories/{sid}/brief")
    assert brief.headers["content-type"].startswith("text/markdown") and brief.text == story["brief"]
    brief_html = client.get(f"/api/stories/{sid}/brief", params={"format": "html"})
    assert brief_html.headers["content-type"].startswith("text/html") and "<h1>" in brief_html.text


# ------------------------------------------------------------------ entities and events


def test_entities(client: TestClient) -> None:
    page = client.get("/api/entities", params={"limit": 3}).json()
    assert set(page) >= ENVELOPE and page["total"] >= len(page["items"]) > 0
    ent = page["items"][0]
    detail = client.get(f"/api/entities/{ent['id']}").json()
    assert detail["name"] == ent["name"] and isinstance(detail["quotes"], list)
    assert detail["stories"], "the most mentioned entity is in no story"
    assert all({"id", "title", "n_outlets"} <= set(s) for s in detail["stories"])
    people = client.get("/api/entities", params={"type": "person", "limit": 1000}).json()["items"]
    assert all(e["type"] == "PERSON" for e in people)
    named = client.get("/api/entities", params={"q": ent["name"][:4]}).json()
    assert ent["id"] in {e["id"] for e in named["items"]} or named["total"] > named["limit"]


def test_events_json_and_csv(client: TestClient) -> None:
    page = client.get("/api/events", params={"limit": 1000}).json()
    assert set(page) >= ENVELOPE
    assert page["total"] > 0, "extraction found no event in the sample corpus"
    row = page["items"][0]
    assert set(EVENT_CSV_COLUMNS) <= set(row)
    response = client.get("/api/events.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == EVENT_CSV_COLUMNS
    assert len(rows) - 1 == page["total"]
    assert len({r[0] for r in rows[1:]}) == page["total"]  # event ids are unique
    story_id = row["story_id"]
    mine = client.get("/api/events", params={"story": story_id, "limit": 1000}).json()["items"]
    assert mine and all(e["story_id"] == story_id for e in mine)
    dated = [e for e in page["items"] if re.match(r"^\d{4}-\d{2}-\d{2}", e["date"] or "")]
    if dated:
        day = dated[0]["date"][:10]
        same = client.get("/api/events", params={"since": day, "until": day, "limit": 1000}).json()["items"]
        assert same and all(e["date"][:10] == day for e in same)


# ------------------------------------------------------------------ ingest


def _near_copy(client: TestClient, story: dict[str, Any]) -> dict[str, Any]:
    """A lightly edited copy of one of the story's articles, as another outlet would run it."""
    original = client.get(f"/api/articles/{story['article_ids'][0]}").json()
    # a real added sentence (an editor's credit line would be cleaned away, leaving an exact copy)
    body = original["body"] + "\nOfficials said more details would be released later in the week."
    return {"text": body, "title": original["title"], "outlet": "Test Wire",
            "url": "https://testwire.example/copy", "published": original["published"]}


def test_ingest_json_answers_with_the_story_joined(writable: TestClient, story: dict[str, Any]) -> None:
    item = _near_copy(writable, story)
    response = writable.post("/api/ingest", json=item)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"] == {"added": 1, "duplicate": 0, "error": 0}
    result = body["results"][0]
    assert result["status"] == "added" and result["index"] == 0 and result["id"]
    assert result["story_id"] == story["id"] and result["new_story"] is False
    joined = writable.get(f"/api/stories/{story['id']}").json()
    assert result["id"] in joined["article_ids"]  # the story was re-corroborated with it
    assert writable.get(f"/api/articles/{result['id']}").json()["outlet"] == "Test Wire"

    again = writable.post("/api/ingest", json={"articles": [item]}).json()
    assert again["results"][0]["status"] == "duplicate"
    assert again["results"][0]["id"] == result["id"] and again["results"][0]["story_id"] == story["id"]


def test_ingest_many_with_bad_items(writable: TestClient) -> None:
    items = [
        {"text": "Fishermen in Velsund landed a record catch of cod on Tuesday, the port authority said.\n"
                 "The catch was worth 2 million crowns, according to harbour master Lena Fisk.",
         "title": "Record cod catch in Velsund", "outlet": "Test Wire", "published": "2026-03-20"},
        {"title": "no text at all"},
        "not an object",
        {"text": "x", "authors": 5},
    ]
    body = writable.post("/api/ingest", json={"articles": items}).json()
    by_index = {r["index"]: r for r in body["results"]}
    assert by_index[0]["status"] == "added" and by_index[0]["story_id"] and by_index[0]["new_story"] is True
    for i in (1, 2, 3):
        assert by_index[i]["status"] == "error" and by_index[i]["error"], i
    assert body["counts"] == {"added": 1, "duplicate": 0, "error": 3}


def test_ingest_file_upload(writable: TestClient) -> None:
    text = ("HARBOUR NOTES\nPublished: 21 March 2026\nThe Velsund lighthouse reopened on Saturday after a two-year "
            "restoration, the municipality said.\nMayor Tor Lund cut the ribbon in front of 300 residents.\n")
    rows = [
        {"text": "Norland's parliament passed a new fisheries law on Thursday by 98 votes to 71, the speaker said.",
         "title": "Fisheries law passed", "outlet": "Test Wire", "published": "2026-03-19"},
        {"text": ""},
    ]
    jsonl = "\n".join(json.dumps(r) for r in rows) + "\n{broken\n"
    files = [
        ("file", ("lighthouse.txt", text.encode(), "text/plain")),
        ("file", ("feed.jsonl", jsonl.encode(), "application/jsonl")),
        ("file", ("scan.pdf", b"%PDF-1.4", "application/pdf")),
    ]
    response = writable.post("/api/ingest", files=files)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    txt = [r for r in results if r.get("file") == "lighthouse.txt"]
    assert len(txt) == 1 and txt[0]["status"] == "added" and txt[0]["story_id"]
    feed = {r["line"]: r for r in results if r.get("file") == "feed.jsonl"}
    assert feed[1]["status"] == "added" and feed[1]["story_id"]
    assert feed[2]["status"] == "error" and feed[3]["status"] == "error" and "JSON" in feed[3]["error"]
    pdf = [r for r in results if r.get("file") == "scan.pdf"]
    assert pdf[0]["status"] == "error" and "unsupported" in pdf[0]["error"] and pdf[0]["index"] == 2


def test_ingest_rejects_bad_requests(writable: TestClient) -> None:
    cases = [
        (dict(content=b"{not json", headers={"content-type": "application/json"}), 422),
        (dict(json=[]), 422),
        (dict(json={"articles": "nope"}), 422),
        (dict(json=[{"title": "only a title"}]), 422),  # nothing could be ingested
        (dict(content=b"hello", headers={"content-type": "text/plain"}), 415),
        (dict(content=b'--XyZ\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n--XyZ--\r\n',
              headers={"content-type": "multipart/form-data; boundary=XyZ"}), 422),
    ]
    for kwargs, status in cases:
        r = writable.post("/api/ingest", **kwargs)
        assert r.status_code == status, (kwargs, r.text)
        assert r.json()["error"]


def test_reads_go_on_while_an_article_is_ingested(db: Path, tmp_path: Path, story: dict[str, Any]) -> None:
    """A real server: readers in threads get answers (from WAL snapshots) while one writer ingests."""
    failures: list[str] = []
    with running_server(create_app(str(copy_db(db, tmp_path)))) as base:
        def read() -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                for path in ["/", f"/stories/{story['id']}", "/api/stories", f"/api/stories/{story['id']}/facts",
                             "/api/articles?limit=5", "/api/events.csv"] * 3:
                    r = c.get(path)
                    if r.status_code != 200:
                        failures.append(f"{path}: {r.status_code} {r.text[:200]}")

        readers = [threading.Thread(target=read) for _ in range(3)]
        for t in readers:
            t.start()
        posted = httpx.post(f"{base}/api/ingest", json={
            "text": "The Velsund harbour reopened on Monday after storm repairs, the port authority said.\n"
                    "Repairs cost 3 million crowns, harbour master Lena Fisk said.",
            "title": "Velsund harbour reopens", "outlet": "Test Wire", "published": "2026-03-30"}, timeout=120)
        for t in readers:
            t.join()
    assert posted.status_code == 200, posted.text
    assert not failures, failures


# ------------------------------------------------------------------ security


def test_body_size_limit(db: Path, tmp_path: Path) -> None:
    with TestClient(create_app(str(copy_db(db, tmp_path)), max_body_bytes=1000)) as c:
        big = {"text": "word " * 400}
        r = c.post("/api/ingest", json=big)
        assert r.status_code == 413 and "limit" in r.json()["error"]

        def chunks() -> Any:  # no Content-Length: the limit is enforced while reading
            for _ in range(10):
                yield b"x" * 500

        r = c.post("/api/ingest", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and "limit" in r.json()["error"]
        files = {"file": ("big.txt", b"y" * 5000, "text/plain")}
        assert c.post("/api/ingest", files=files).status_code == 413


def test_writes_need_the_token(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="token"):
        create_app(str(db), require_token=True)
    with TestClient(create_app(str(copy_db(db, tmp_path)), token="s3cret", require_token=True)) as c:
        item = {"text": "The Velsund ferry resumed service on Monday after repairs, the operator said.",
                "title": "Ferry resumes", "outlet": "Test Wire", "published": "2026-03-23"}
        missing = c.post("/api/ingest", json=item)
        assert missing.status_code == 401 and "token" in missing.json()["error"]
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = c.post("/api/ingest", json=item, headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert c.get("/api/stories").status_code == 200  # reads stay open
        ok = c.post("/api/ingest", json=item, headers={"authorization": "Bearer s3cret"})
        assert ok.status_code == 200, ok.text
        also = c.post("/api/ingest", json={**item, "text": item["text"] + " It was full."},
                      headers={"x-newsweave-token": "s3cret"})
        assert also.status_code == 200


def test_cross_origin_writes_and_foreign_hosts_are_refused(db: Path, tmp_path: Path) -> None:
    path = str(copy_db(db, tmp_path))
    with TestClient(create_app(path), base_url="http://127.0.0.1:8000") as c:
        item = {"text": "A short test article about nothing in particular, written for a test."}
        r = c.post("/api/ingest", json=item, headers={"origin": "https://evil.example"})
        assert r.status_code == 403 and "cross-origin" in r.json()["error"]
    with TestClient(create_app(path, allowed_hosts=("127.0.0.1", "localhost")),
                    base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        r = c.get("/api/health", headers={"host": "rebind.evil.example"})
        assert r.status_code == 400 and "Host" in r.json()["error"]


def test_script_in_an_article_is_shown_as_text(writable: TestClient) -> None:
    body = ("The <script>alert('pwned')</script> council of Velsund met on Wednesday, the clerk said.\n"
            "<img src=x onerror=alert(1)> The council approved the harbour budget of 4 million crowns.")
    result = writable.post("/api/ingest", json={
        "text": body, "title": "Council <script>alert(2)</script> meets", "outlet": "Test <b>Wire</b>",
        "url": "javascript:alert(3)", "published": "2026-03-25",
    }).json()["results"][0]
    assert result["status"] == "added", result
    page = writable.get(f"/articles/{result['id']}").text
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page or "&lt;script&gt;alert('pwned')" in page
    for raw in ("<script>alert", "<img src=x", "<b>Wire", 'href="javascript:'):
        assert raw not in page, raw
    story = writable.get(f"/stories/{result['story_id']}").text
    assert "<script>alert" not in story and "&lt;script&gt;" in story
    home = writable.get("/").text
    assert "<script>alert" not in home
    assert "script-src 'self'" in writable.get("/").headers["content-security-policy"]
    raw = writable.get(f"/articles/{result['id']}/raw")
    assert raw.headers["content-type"].startswith("text/plain") and "sandbox" in raw.headers["content-security-policy"]


def test_unexpected_errors_are_clean_500s(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(Store, "story_rows", boom)
    with TestClient(create_app(str(copy_db(db, tmp_path)))) as c:
        for path, accept in (("/api/stories", "application/json"), ("/", "text/html")):
            r = c.get(path, headers={"accept": accept})
            assert r.status_code == 500
            assert "Traceback" not in r.text and "secret internals" not in r.text and "boom" not in r.text
            assert "internal error" in r.text
        assert r.headers["content-type"].startswith("text/html")
        assert c.get("/api/stories").json()["error"].startswith("internal error (reference ")
    assert "secret internals" in caplog.text  # the traceback goes to the server log


# ------------------------------------------------------------------ pages


def test_pages_render(client: TestClient, story: dict[str, Any]) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "script-src 'self'" in home.headers["content-security-policy"]
    assert f'href="/stories/{story["id"]}"' in home.text and 'class="factbar"' in home.text
    assert 'action="/search"' in home.text
    empty_form = client.get("/", params={"since": "", "until": "", "outlet": ""}, headers={"accept": "text/html"})
    assert empty_form.status_code == 200  # an empty filter field means no filter

    page = client.get(f"/stories/{story['id']}").text
    assert page.count('<tr id="fact-') == len(story["facts"])
    outlets = {a["outlet"] or a["path"] for a in story["articles"]}  # unknown outlets are told apart by file
    assert page.count('<th scope="col" class="outlet">') == len(outlets)
    assert '<svg class="timeline"' in page or not story["timeline"]
    assert 'id="conflicts"' in page and 'id="brief"' in page
    assert page.count('class="col"') == len(story["article_ids"])
    if not any(f["status"] == "conflicting" for f in story["facts"]):
        assert "None: the sources give no incompatible values" in page

    fact = fact_with_shared_evidence(story)
    assert fact is not None, "no fact has evidence"
    selected = client.get(f"/stories/{story['id']}", params={"fact": fact["id"]}).text  # the no-JS path
    highlighted = re.findall(r'<span class="ev hl" data-facts="([^"]*)"', selected)
    assert highlighted and all(fact["id"] in ids.split() for ids in highlighted)
    assert len(highlighted) >= len({e["article_id"] for e in fact["evidence"]})

    aid = story["article_ids"][0]
    article = client.get(f"/articles/{aid}").text
    assert f'href="/articles/{aid}/raw"' in article and 'class="mk ent"' in article

    ent = client.get("/api/entities", params={"limit": 1}).json()["items"][0]
    entity_page = client.get(f"/entities/{ent['id']}").text
    assert ent["name"] in entity_page or ent["name"].replace("'", "&#39;") in entity_page
    assert client.get("/entities").status_code == 200
    word = _distinctive_word(client, aid)
    search = client.get("/search", params={"q": word}).text
    assert "<mark>" in search and f'href="/articles/{aid}"' in search
    assert client.get("/static/style.css").status_code == 200 and client.get("/static/app.js").status_code == 200


# ------------------------------------------------------------------ rendering units


class _Nesting(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    VOID = {"br", "img", "meta", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def test_marks_nest_properly_and_escape() -> None:
    text = "Alpha <b>beta</b> gamma delta\nepsilon & zeta"
    marks = [
        Mark(0, 24, '<span class="a">', "</span>"),  # crosses the next one
        Mark(6, 30, '<span class="b">', "</span>"),
        Mark(6, 17, '<a href="/x">', "</a>", rank=3),
        Mark(25, 40, "<mark>", "</mark>"),  # spans the paragraph break
        Mark(50, 60, "<i>", "</i>"),  # out of range: dropped
    ]
    html = str(render_marked(text, marks))
    checker = _Nesting()
    checker.feed(html)
    assert checker.stack == []
    assert "&lt;b&gt;beta&lt;/b&gt;" in html and "epsilon &amp; " in html and "<b>" not in html
    assert html.count("<p>") == 2
    plain = re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert plain == text


def test_timeline_svg_escapes_and_orders() -> None:
    entries = [
        {"date": "2026-06", "text": "Summit <b>planned</b> & more", "article_ids": ["a", "b"]},
        {"date": "2026-03-10", "text": "The call", "article_ids": ["b"]},
        {"date": "XXXX-XX-XX", "text": "Sometime", "article_ids": []},
    ]
    svg = str(timeline_svg(entries, {"a": 1, "b": 2}))
    checker = _Nesting()
    checker.feed(svg)
    assert checker.stack == []
    assert "&lt;b&gt;planned&lt;/b&gt; &amp; more" in svg and "<b>" not in svg
    assert svg.index("2026-03-10") < svg.index("2026-06") < svg.index("XXXX-XX-XX")
    assert "months later" in svg and "[1][2]" in svg
    assert svg.count("<circle") == 3


def test_reader_connections_cannot_write(db: Path, tmp_path: Path) -> None:
    import sqlite3

    app = create_app(str(copy_db(db, tmp_path)))
    with app.state.ctx.readers.reader() as store, pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("DELETE FROM articles")
    app.state.ctx.close()


def test_only_http_urls_become_links() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x", None, ""):
        assert safe_url(bad) is None


def test_serve_refuses_beyond_loopback_without_token(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    from newsweave.cli_serve import is_loopback, register

    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command, so Typer keeps "serve" as a subcommand
        pass

    monkeypatch.delenv("NEWSWEAVE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--db", "unused.db"])
    assert result.exit_code == 2 and "token" in result.output
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")


def test_the_seeds_story_page_shows_brief_matrix_no_conflicts_and_timeline(
    tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path
) -> None:
    """The demo database holds the seeds as one story: its page has everything a reader needs."""
    from newsweave import pipeline

    db = tmp_path_factory.mktemp("seeds-web") / "seeds.db"
    with Store(db) as store:
        assert not pipeline.ingest(store, [seeds_dir]).errors
    with TestClient(create_app(str(db))) as client:
        _check_seeds_story(client)


def _check_seeds_story(client: TestClient) -> None:
    stories = client.get("/api/stories").json()["items"]
    assert len(stories) == 1 and stories[0]["event_date"] == "2025-06-10"
    story = client.get(f"/api/stories/{stories[0]['id']}").json()
    page = client.get(f"/stories/{story['id']}").text
    assert 'id="brief"' in page and "spoke by phone on 10 June 2025" in page
    assert page.count('<tr id="fact-') == len(story["facts"]) > 10
    assert page.count('<th scope="col" class="outlet">') == 3
    assert "None: the sources give no incompatible values" in page
    assert '<svg class="timeline"' in page and "2025-06-10" in page
