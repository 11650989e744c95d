"""The optional LLM condenser, against a real HTTP stub server on 127.0.0.1, and
the number-ledger guard (unsourced numbers must be approved before speaking)."""

import json
import time

import pytest
import yaml

from pipeline import condense as condense_mod
from pipeline.condense import condense, llm, require_approved, unapproved_numbers
from pipeline.errors import EngineError, EngineUnavailable, InputError
from pipeline.ingest import ingest

from .llm_stub import CHAT_PATH, LlmStub, Raw
from .stub_server import free_closed_port

POST_EN = """\
# Why City Bikes Matter

## Ridership

In 2023 the city counted 1,400 daily bike trips on the river bridge. Ridership grew by 37 % in two years.

## Safety

Protected lanes cut injuries by 28 % on the main avenue. The city built 12 km of protected lanes.

## Cost

Each kilometre of lane cost $450,000 to build. That is less than a single parking garage.

## Health

Riders who commute by bike take 15 fewer sick days a year. Doctors call it the cheapest medicine in town.

## What next

The council votes on a new plan on 18 March 2025. It would add 30 km of lanes by 2030.
"""

POST_FR = """\
# Pourquoi le vélo en ville

## Fréquentation

En 2023, la ville a compté 1 400 trajets à vélo par jour sur le pont. La fréquentation a augmenté de 37 % en deux ans.

## Sécurité

Les pistes protégées ont réduit les blessures de 28 % sur l'avenue principale. La ville a construit 12 km de pistes.

## Coût

Chaque kilomètre de piste a coûté 450 000 euros. C'est moins qu'un seul parking souterrain.

## Santé

Les cyclistes prennent 15 jours d'arrêt maladie de moins par an. Les médecins en parlent comme du remède le moins cher.
"""

POINTS = [
    {"title": "Ridership", "text": "In 2023 the bridge saw 1,400 daily bike trips, and ridership grew by 37 % in two years.",
     "sources": ["s1", "s2", "s99"]},
    {"title": "Safety", "text": "Protected lanes cut injuries by 28 % and the city built 12 km of them.",
     "sources": ["s3", 4]},
    {"title": "Cost", "text": "A kilometre of lane cost $450,000, less than one parking garage.",
     "sources": ["s5"]},
    {"title": "Health", "text": "Bike commuters take 15 fewer sick days a year.", "sources": ["s7"]},
    {"title": "What next", "text": "On 18 March 2025 the council votes on adding 30 km of lanes by 2030.",
     "sources": ["s9", "s10"]},
]
INVENTED = "Deaths on the avenue fell by 82 %."   # 82 % is nowhere in the post


def answer(points=POINTS) -> str:
    return json.dumps({"points": points})


def with_invented() -> str:
    pts = [dict(p) for p in POINTS]
    pts[1]["text"] += " " + INVENTED
    return answer(pts)


@pytest.fixture
def post(tmp_path):
    src = tmp_path / "post.md"
    src.write_text(POST_EN, encoding="utf-8")
    ingest(src, tmp_path / "post.json")
    return tmp_path / "post.json"


@pytest.fixture
def llm_env(monkeypatch):
    """Point the condenser at a stub; start from an environment with no LLM settings."""
    for var in ("PIPELINE_LLM_BASE_URL", "PIPELINE_LLM_MODEL", "PIPELINE_LLM_API_KEY",
                "OPENAI_API_KEY", "PIPELINE_LLM_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)

    def use(stub_or_url, model="llama3.1", key="sk-test-secret", timeout="10"):
        url = stub_or_url if isinstance(stub_or_url, str) else stub_or_url.base_url
        monkeypatch.setenv("PIPELINE_LLM_BASE_URL", url)
        if model:
            monkeypatch.setenv("PIPELINE_LLM_MODEL", model)
        if key:
            monkeypatch.setenv("PIPELINE_LLM_API_KEY", key)
        monkeypatch.setenv("PIPELINE_LLM_TIMEOUT", timeout)
    return use


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_closed_port()}/v1"


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the condenser

def test_condenser_returns_points_and_sends_an_openai_request(post, llm_env):
    p = read_json(post)
    with LlmStub([answer()]) as stub:
        llm_env(stub)
        body = llm.llm_condense(p, 150)
    assert [pt["title"] for pt in body["points"]] == [pt["title"] for pt in POINTS]
    assert body["points"][0]["sources"] == ["s1", "s2"]          # unknown s99 dropped
    assert body["points"][1]["sources"] == ["s3", "s4"]          # a bare 4 means s4
    (req,) = stub.requests
    assert req["path"] == CHAT_PATH
    assert req["body"]["model"] == "llama3.1"
    assert req["body"]["temperature"] == 0
    assert req["body"]["response_format"] == {"type": "json_object"}
    assert req["headers"]["Authorization"] == "Bearer sk-test-secret"
    prompt = "\n".join(m["content"] for m in req["body"]["messages"])
    for s in p["sentences"]:
        assert f"{s['id']}: {s['text']}" in prompt
    assert "exactly as written" in prompt
    assert str(condense_mod.word_budget("en", 150)) in prompt


def test_no_key_means_no_authorization_header(post, llm_env):
    with LlmStub([answer()]) as stub:
        llm_env(stub, key=None)
        llm.llm_condense(read_json(post), 150)
    assert "Authorization" not in stub.requests[0]["headers"]


def test_openai_api_key_is_the_fallback_key(post, llm_env, monkeypatch):
    with LlmStub([answer()]) as stub:
        llm_env(stub, key=None)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
        llm.llm_condense(read_json(post), 150)
    assert stub.requests[0]["headers"]["Authorization"] == "Bearer sk-openai"


def test_fenced_json_with_prose_around_it_is_parsed(post, llm_env):
    fenced = "Here are the key points:\n```json\n" + answer() + "\n```\nHope this helps!"
    with LlmStub([fenced]) as stub:
        llm_env(stub)
        body = llm.llm_condense(read_json(post), 150)
    assert len(body["points"]) == len(POINTS)


def test_at_most_eight_points_are_kept(post, llm_env):
    many = [{"title": f"P{i}", "text": "Riders take 15 fewer sick days.", "sources": ["s7"]}
            for i in range(12)]
    with LlmStub([answer(many)]) as stub:
        llm_env(stub)
        assert len(llm.llm_condense(read_json(post), 150)["points"]) == 8


def test_french_post_gets_a_french_prompt(tmp_path, llm_env):
    src = tmp_path / "velo.md"
    src.write_text(POST_FR, encoding="utf-8")
    p = ingest(src, tmp_path / "post.json")
    assert p["language"] == "fr"
    with LlmStub([answer(POINTS[:4])]) as stub:
        llm_env(stub)
        llm.llm_condense(p, 150)
    prompt = stub.requests[0]["body"]["messages"][1]["content"]
    assert "Garde chaque chiffre exactement" in prompt and "s1: En 2023" in prompt


def test_server_rejecting_response_format_is_asked_again_without_it(post, llm_env):
    with LlmStub([Raw(400, '{"error": {"message": "response_format not supported"}}'),
                  answer()]) as stub:
        llm_env(stub)
        body = llm.llm_condense(read_json(post), 150)
    assert len(body["points"]) == len(POINTS)
    assert "response_format" in stub.requests[0]["body"]
    assert "response_format" not in stub.requests[1]["body"]


# ---------------------------------------------------------------- the number ledger

def test_invented_number_is_flagged_unsourced_in_script_yaml(post, llm_env):
    script_path = post.with_name("script.yaml")
    with LlmStub([with_invented()]) as stub:
        llm_env(stub)
        script = condense(post, script_path, "llm")
    on_disk = yaml.safe_load(script_path.read_text(encoding="utf-8"))
    assert on_disk == script and on_disk["condenser"] == "llm"
    assert on_disk["points"][1]["unsourced"] == ["82 %"]
    assert "82 %" in [n["text"] for n in on_disk["points"][1]["numbers"]]
    assert all("unsourced" not in p for i, p in enumerate(on_disk["points"]) if i != 1)
    assert on_disk["intro"] and on_disk["outro"]


def test_build_guard_refuses_then_accepts_once_approved(post, llm_env):
    script_path = post.with_name("script.yaml")
    with LlmStub([with_invented()]) as stub:
        llm_env(stub)
        condense(post, script_path, "llm")
    with pytest.raises(InputError, match=r'not in the post: "82 %" \(point 2\)') as e:
        require_approved(script_path, post)
    assert "approved:" in e.value.fix

    data = yaml.safe_load(script_path.read_text(encoding="utf-8"))
    data["points"][1]["approved"] = ["82 %"]
    script_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    require_approved(script_path, post)          # passes
    require_approved(script_path)                # post.json beside the script by default

    data["points"][1]["approved"] = [82]         # by value works too
    assert unapproved_numbers(data, read_json(post)) == []
    data["points"][1]["approved"] = ["28 %"]     # approving another number does not
    assert [n["text"] for n in unapproved_numbers(data, read_json(post))] == ["82 %"]


def test_approval_is_per_point(post, llm_env):
    script_path = post.with_name("script.yaml")
    with LlmStub([with_invented()]) as stub:
        llm_env(stub)
        condense(post, script_path, "llm")
    data = yaml.safe_load(script_path.read_text(encoding="utf-8"))
    data["points"][0]["approved"] = ["82 %"]
    assert [n["point"] for n in unapproved_numbers(data, read_json(post))] == [2]


def test_hand_edit_of_extractive_script_adding_a_number_is_caught(post):
    script_path = post.with_name("script.yaml")
    condense(post, script_path)                  # extractive
    require_approved(script_path, post)          # its numbers all come from the post
    data = yaml.safe_load(script_path.read_text(encoding="utf-8"))
    data["intro"] = "Welcome. Here are 3 points you will love."    # intro/outro are exempt
    require_approved_text = data["points"][2]["text"] + " About 5,000 riders cheered."
    data["points"][2]["text"] = require_approved_text
    script_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(InputError, match=r'"5,000" \(point 3\)'):
        require_approved(script_path, post)
    # the hand edit is kept by a rerun of condense, and still caught
    assert condense(post, script_path)["points"][2]["text"] == require_approved_text
    with pytest.raises(InputError, match="5,000"):
        require_approved(script_path, post)


def test_changed_figure_is_caught_even_without_the_unsourced_key(post):
    script_path = post.with_name("script.yaml")
    condense(post, script_path)
    data = yaml.safe_load(script_path.read_text(encoding="utf-8"))
    data["points"][1]["text"] = data["points"][1]["text"].replace("28 %", "38 %")
    assert [n["text"] for n in unapproved_numbers(data, read_json(post))] == ["38 %"]


def test_missing_post_is_an_input_error(tmp_path, post):
    script_path = post.with_name("script.yaml")
    condense(post, script_path)
    with pytest.raises(InputError, match="not found"):
        require_approved(script_path, tmp_path / "nope.json")


# ---------------------------------------------------------------- failures

def test_connection_refused_is_quick_and_names_the_url(post, llm_env):
    url = closed_port_url()
    llm_env(url)
    t0 = time.monotonic()
    with pytest.raises(EngineUnavailable) as e:
        condense(post, post.with_name("script.yaml"), "llm")
    assert time.monotonic() - t0 < 5
    assert f"{url}/chat/completions" in e.value.cause and "refused" in e.value.cause
    assert "PIPELINE_LLM_BASE_URL" in e.value.fix
    assert not post.with_name("script.yaml").exists()


def test_timeout_is_engine_unavailable(post, llm_env):
    with LlmStub([Raw(200, "{}", delay_s=3)]) as stub:
        llm_env(stub, timeout="0.3")
        t0 = time.monotonic()
        with pytest.raises(EngineUnavailable, match="did not answer within 0.3 s"):
            llm.llm_condense(read_json(post), 150)
        assert time.monotonic() - t0 < 2.5


def test_malformed_json_answer_is_a_clear_error(post, llm_env):
    with LlmStub(['{"points": [{"title": "Ridership", "text": "1,400 trips"']) as stub:
        llm_env(stub)
        with pytest.raises(EngineError, match="not valid JSON") as e:
            llm.llm_condense(read_json(post), 150)
    assert "1,400 trips" in e.value.cause and e.value.fix


@pytest.mark.parametrize("content, what", [
    ('{"key_points": []}', r'no "points" list \(its keys: key_points\)'),
    ('{"points": "Ridership rose 12%"}', r'"points" is a str, not a list of points like'),
    ('{"points": {"title": "T", "text": "ok"}}', r'"points" is a dict, not a list'),
    ('{"points": []}', 'empty "points"'),
    ('{"points": ["just a string"]}', "point 1 is a str"),
    ('{"points": [{"title": "T", "text": "ok"}, {"title": "no text"}]}', 'point 2 has no "text"'),
    ('"hello"', "is a str"),
])
def test_bad_shapes_are_rejected_naming_what_is_wrong(post, llm_env, content, what):
    with LlmStub([content]) as stub:
        llm_env(stub)
        with pytest.raises(EngineError, match=what):
            llm.llm_condense(read_json(post), 150)


def test_non_openai_answer_is_a_clear_error(post, llm_env):
    with LlmStub([Raw(200, "<html>not an API</html>")]) as stub:
        llm_env(stub)
        with pytest.raises(EngineError, match="did not answer JSON"):
            llm.llm_condense(read_json(post), 150)
    with LlmStub([Raw(200, '{"object": "list", "data": []}')]) as stub:
        llm_env(stub)
        with pytest.raises(EngineError, match=r"without choices\[0\]\.message\.content"):
            llm.llm_condense(read_json(post), 150)


def test_http_errors_name_the_url_and_never_the_key(post, llm_env):
    with LlmStub([Raw(401, '{"error": {"message": "bad key sk-test-secret"}}')]) as stub:
        llm_env(stub)
        with pytest.raises(EngineError) as e:
            llm.llm_condense(read_json(post), 150)
    assert "HTTP 401" in e.value.cause and stub.base_url in e.value.cause
    assert "sk-test-secret" not in e.value.message
    assert "PIPELINE_LLM_API_KEY" in e.value.fix
    with LlmStub([Raw(404, '{"error": {"message": "model \\"nope\\" not found"}}')]) as stub:
        llm_env(stub, model="nope")
        with pytest.raises(EngineError, match="HTTP 404") as e:
            llm.llm_condense(read_json(post), 150)
    assert "ollama pull nope" in e.value.fix
    with LlmStub([Raw(503, "overloaded")]) as stub:
        llm_env(stub)
        with pytest.raises(EngineUnavailable, match="HTTP 503: overloaded"):
            llm.llm_condense(read_json(post), 150)


def test_missing_model_is_an_error_with_the_fix(post, llm_env):
    with LlmStub([answer()]) as stub:
        llm_env(stub, model=None)
        with pytest.raises(EngineError, match="PIPELINE_LLM_MODEL") as e:
            condense(post, post.with_name("script.yaml"), "llm")
    assert e.value.fix == "set PIPELINE_LLM_MODEL, e.g. llama3.1"
    assert stub.requests == []


def test_bad_base_url_and_timeout_settings(post, llm_env, monkeypatch):
    llm_env("file:///etc/passwd")
    with pytest.raises(EngineError, match="not an http"):
        llm.llm_condense(read_json(post), 150)
    llm_env("http://127.0.0.1:1/v1", timeout="soon")
    with pytest.raises(EngineError, match="PIPELINE_LLM_TIMEOUT"):
        llm.llm_condense(read_json(post), 150)


def test_llm_is_a_registered_condenser():
    assert "llm" in condense_mod.CONDENSERS.names()
    assert condense_mod.CONDENSERS.get("llm") is llm.llm_condense


def test_config_repr_hides_the_key():
    cfg = llm.config_from_env({"PIPELINE_LLM_MODEL": "m", "PIPELINE_LLM_API_KEY": "sk-secret"})
    assert "sk-secret" not in repr(cfg) and cfg.base_url == llm.DEFAULT_BASE_URL
    assert cfg.timeout == 120
