"""Every word in the profile's or the conversation's language, through Home Assistant.

Reminders, phone buttons and webhook errors follow the profile's language option
(Home Assistant's language when it has none); Assist answers in the language the
conversation is in, from the sentence files users copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
import json
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hassil import Intents
from hassil.intents import TextSlotList
from hassil.sample import sample_sentence
from homeassistant.components import conversation
from homeassistant.components.tts import TextToSpeechEntity, TtsAudioType
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr, intent
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    mock_config_flow,
    mock_integration,
    mock_platform,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import yaml

from custom_components.backwalk.const import DOMAIN, WEBHOOK_MAX_BODY_BYTES
from custom_components.backwalk.intents import (
    INTENT_LOG_WALK,
    INTENT_REPORT_PAIN,
    INTENT_STREAK,
    INTENT_TARGET_TODAY,
    INTENT_WEEK_STATUS,
)
from custom_components.backwalk.model import LANGUAGES
from tests.model.languages import CATALOG, EXERCISE_WORDS
from tests.test_reminders import Delivered, at

REPO = Path(__file__).parent.parent
SENTENCES = REPO / "custom_sentences"
TRANSLATIONS = REPO / "custom_components" / "backwalk" / "translations"
WEEK = "sensor.alex_walking_minutes_this_week"
OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]


@pytest.fixture
def profile_options(profile_options: dict[str, Any]) -> dict[str, Any]:
    """Alex hears German: walks Monday, Wednesday and Friday at 07:30, a speaker and a phone."""
    return {
        **profile_options,
        "language": "de",
        "preferred_alternatives": ["swimming", "yoga"],
        "walk_days": [0, 2, 4],
        "walk_time": "07:30:00",
        "stretch_lead_minutes": 10,
        "check_in_after_minutes": 120,
        "media_players": ["media_player.kitchen"],
        "tts_entity": "tts.piper",
        "mobile_app_services": ["mobile_app_pixel"],
        "notify_entities": [],
        "persistent_notification": False,
    }


@pytest.fixture
async def delivered(hass: HomeAssistant) -> Delivered:
    """Targets exist before the profile loads."""
    return Delivered(hass)


@pytest.fixture(autouse=True)
def sunday_evening(freezer: FrozenDateTimeFactory) -> None:
    """Sunday 2026-11-22, 20:00 in Berlin (19:00 UTC)."""
    freezer.move_to("2026-11-22T19:00:00+00:00")


async def test_german_profile_hears_the_german_stretch_reminder(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Monday 07:20 in Berlin: the speaker says it in German, the phone shows German."""
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    [speak] = delivered.spoken
    assert speak.data["message"] == (
        "Alex, dein Spaziergang ist um 7 Uhr 30."
        " Dehn dich erst sanft, dann geh 5 Minuten."
    )
    [push] = delivered.pushed
    assert push.data["title"] == "Vor dem Spaziergang dehnen"
    message = push.data["message"]
    assert message.startswith(
        "Dein Spaziergang ist um 7:30 Uhr, Alex. Dehn dich vorher sanft: Nacken, Arme,"
        " Hüften, Beine, Oberschenkelrückseiten und Fußgelenke. Heute gehst du"
        " 5 Minuten. Diese Woche hast du bisher 0 von 3 Spaziergängen gemacht. Tipp: "
    )
    assert message.endswith(
        "backwalk ersetzt keinen ärztlichen Rat."
        " Ernste Beschwerden brauchen sofort Notfallhilfe."
    )
    buttons = push.data["data"]["actions"]
    assert [button["title"] for button in buttons] == [
        "Gedehnt",
        "Spaziergang gemacht",
        "In 15 Min. erinnern",
        "Schmerzen",
    ]
    assert buttons[-1]["textInputButtonTitle"] == "Melden"
    assert buttons[-1]["textInputPlaceholder"] == "Schmerz von 0 bis 10"
    # Automations sending the nudge themselves get the same German buttons.
    [event] = delivered.events
    assert event.data["actions"] == buttons
    assert event.data["spoken"] == speak.data["message"]


async def test_german_red_flag_advice_names_no_exercise(
    hass: HomeAssistant,
    delivered: Delivered,
    loaded_entry: MockConfigEntry,
) -> None:
    """Severe pain reported: the advice at once, in German, and no word of moving (G15)."""
    await hass.services.async_call(DOMAIN, "report_pain", {"level": 9}, blocking=True)
    await hass.async_block_till_done()
    [speak] = delivered.spoken
    [push] = delivered.pushed
    assert push.data["title"] == "Heute starke Schmerzen"
    for text in (speak.data["message"], push.data["message"], push.data["title"]):
        assert not EXERCISE_WORDS["de"].search(text), text
    assert "Notfallhilfe" in speak.data["message"]
    assert push.data["data"]["actions"] == []


@pytest.mark.parametrize(
    ("option", "home_assistant", "expected"),
    [("es", "en", "es"), (None, "fr", "fr"), (None, "pt-BR", "en")],
)
async def test_the_profile_language_else_home_assistant_s_else_english(
    hass: HomeAssistant,
    delivered: Delivered,
    profile_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    option: str | None,
    home_assistant: str,
    expected: str,
) -> None:
    """The option wins; without it Home Assistant's language if backwalk has it."""
    options = {
        key: value for key, value in profile_options.items() if key != "language"
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        data={"name": "Alex"},
        options=options if option is None else {**options, "language": option},
    )
    hass.config.language = home_assistant
    await hass.config.async_set_time_zone("Europe/Berlin")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    [speak] = delivered.spoken
    messages = CATALOG.messages(expected)
    assert speak.data["message"] == messages(
        "guidance.stretch.spoken",
        name="Alex",
        time=messages.spoken_clock(time(7, 30)),
        minutes=5,
    )
    [push] = delivered.pushed
    assert push.data["title"] == messages("nudge_title.stretch")


# --- Assist ---------------------------------------------------------------------


@pytest.fixture
async def assist(hass: HomeAssistant) -> None:
    """Assist with every language's sentences installed as a user would copy them."""

    def install() -> None:
        for language in LANGUAGES:
            target = Path(hass.config.path("custom_sentences", language))
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(
                SENTENCES / language / "backwalk.yaml", target / "backwalk.yaml"
            )

    await hass.async_add_executor_job(install)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    await hass.async_block_till_done()


async def say(hass: HomeAssistant, text: str, language: str) -> intent.IntentResponse:
    """Speak one sentence to the default agent in `language`; return the answer."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language=language
    )
    return result.response


def speech(response: intent.IntentResponse) -> str:
    """The plain text an answer speaks."""
    return str(response.speech["plain"]["speech"])


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize(
    ("language", "sentence", "minutes", "answer"),
    [
        (
            "de",
            "ich bin zwanzig Minuten spazieren gegangen",
            20,
            (
                "Dein Spaziergang von 20 Minuten ist eingetragen."
                " Das macht diese Woche 20 Minuten."
            ),
        ),
        (
            "fr",
            "j'ai marché une demi-heure",
            30,
            "Votre marche de 30 minutes est notée. Cela fait 30 minutes cette semaine.",
        ),
        (
            "nl",
            "ik heb een half uur gewandeld",
            30,
            "Je wandeling van 30 minuten is genoteerd. Dat is 30 minuten deze week.",
        ),
        (
            "es",
            "he caminado veinticinco minutos",
            25,
            "Anotado tu paseo de 25 minutos. Eso suma 25 minutos esta semana.",
        ),
    ],
)
async def test_a_spoken_walk_is_logged_and_answered_in_that_language(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    language: str,
    sentence: str,
    minutes: int,
    answer: str,
) -> None:
    """Number words in the conversation's language log the walk; the answer is in it."""
    response = await say(hass, sentence, language)
    assert response.intent is not None
    assert response.intent.intent_type == INTENT_LOG_WALK
    assert speech(response) == answer
    assert hass.states.get(WEEK).state == f"{minutes:.1f}"


@pytest.mark.usefixtures("assist", "loaded_entry")
async def test_german_questions_are_answered_in_german(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Pain, target, week and streak, asked in German, answered in German."""
    pain = speech(await say(hass, "meine Rückenschmerzen sind bei drei", "de"))
    assert pain == "Schmerzstufe 3 notiert. Das Gehziel für heute sind 5 Minuten."
    target = speech(await say(hass, "wie lange soll ich heute gehen", "de"))
    assert target == "Dein Ziel heute ist ein Spaziergang von 5 Minuten."
    week = speech(await say(hass, "wie viel bin ich diese Woche gegangen", "de"))
    assert week == (
        "Du bist diese Woche 0 Minuten gegangen, in 0 Spaziergängen."
        " Dein Wochenziel lautet 3 Spaziergänge, zusammen 15 Minuten."
        " Im Moment hast du keine Serie."
    )
    streak = speech(await say(hass, "wie lang ist meine Serie", "de"))
    assert streak == "Im Moment hast du keine Serie."
    freezer.tick(60)  # a later report
    severe = speech(await say(hass, "meine Schmerzen sind bei neun von zehn", "de"))
    assert severe == (
        "Schmerzstufe 9 notiert. Das sind starke Schmerzen."
        " Wenn du ernste Beschwerden hast, hol dir sofort ärztliche Hilfe."
    )
    assert not EXERCISE_WORDS["de"].search(severe)


def template_examples(language: str) -> Iterator[tuple[str, str]]:
    """The shortest sentence of every template in a language's file."""
    path = SENTENCES / language / "backwalk.yaml"
    intents = Intents.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    lists = {
        **intents.slot_lists,
        "minutes": TextSlotList.from_strings(["20"]),
        "level": TextSlotList.from_strings(["3"]),
        "backwalk_profile": TextSlotList.from_strings(["Sam"]),
    }
    for intent_name, intent_block in intents.intents.items():
        for data in intent_block.data:
            rules = {**intents.expansion_rules, **data.expansion_rules}
            for template in data.sentences:
                texts = sample_sentence(template, lists, rules, language=language)
                yield intent_name, min(texts, key=len)


@pytest.mark.usefixtures("assist", "loaded_entry")
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
async def test_every_sentence_of_a_language_is_understood(
    hass: HomeAssistant, language: str
) -> None:
    """Home Assistant's recognizer reads each template of the file as written."""
    agent = conversation.async_get_agent(hass)
    assert agent is not None
    pronouns = {
        word.strip()
        for word in CATALOG.messages(language)("assist.pronouns").split(",")
    }
    wrong = []
    examples = list(template_examples(language))
    for intent_name, text in examples:
        result = await agent.async_recognize_intent(
            conversation.ConversationInput(
                text=text,
                context=Context(),
                conversation_id=None,
                device_id=None,
                satellite_id=None,
                language=language,
                agent_id=conversation.HOME_ASSISTANT_AGENT,
            )
        )
        name = result.entities.get("name") if result is not None else None
        said = None if name is None else str(name.value).casefold()
        wanted = "sam" if "Sam" in text else None
        if (
            result is None
            or result.intent.name != intent_name
            or (said != wanted and said not in pronouns)
        ):
            wrong.append((text, intent_name, result and result.intent.name, said))
    assert not wrong, wrong
    # Every intent has sentences in every language.
    assert {name for name, _ in examples} == {
        INTENT_LOG_WALK,
        INTENT_REPORT_PAIN,
        INTENT_TARGET_TODAY,
        INTENT_WEEK_STATUS,
        INTENT_STREAK,
    }


@pytest.mark.usefixtures("loaded_entry")
@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_answer_speaks_the_language(
    hass: HomeAssistant, language: str
) -> None:
    """Each answer, called as any agent would, is whole and in the asked language."""

    async def handle(intent_type: str, **slots: Any) -> str:
        response = await intent.async_handle(
            hass,
            "test",
            intent_type,
            {key: {"value": value} for key, value in slots.items()},
            context=Context(),
            language=language,
        )
        return speech(response)

    answers = [
        await handle(INTENT_LOG_WALK, minutes=20),
        await handle(INTENT_REPORT_PAIN, level=1),
        await handle(INTENT_REPORT_PAIN, level=3),
        await handle(INTENT_REPORT_PAIN, level=6),
        await handle(INTENT_TARGET_TODAY),
        await handle(INTENT_WEEK_STATUS),
        await handle(INTENT_STREAK),
        await handle(INTENT_REPORT_PAIN, level=9),
        await handle(INTENT_TARGET_TODAY),
        await handle(INTENT_LOG_WALK, minutes="zwanzig"),
        await handle(INTENT_WEEK_STATUS, name="Nobody"),
    ]
    english = CATALOG.messages("en")
    messages = CATALOG.messages(language)
    for answer in answers:
        assert answer
        assert "{" not in answer
        assert "}" not in answer
    assert answers[-2] == messages("assist.ask_minutes", max=600)
    assert answers[-1] == messages(
        "assist.unknown_profile", name="Nobody", names="Alex"
    )
    if language != "en":
        assert answers[0] != english("assist.logged_own", minutes="20")
        assert answers[-1] != english(
            "assist.unknown_profile", name="Nobody", names="Alex"
        )


# --- the webhook ------------------------------------------------------------------


async def test_webhook_error_in_the_profile_s_language(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An app has no frontend language: it is told why in the profile's (German)."""
    assert hass.config.language == "en"
    german = json.loads((TRANSLATIONS / "de.json").read_text(encoding="utf-8"))
    english = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
    client = await hass_client_no_auth()
    url = f"/api/webhook/{loaded_entry.data['webhook_id']}"
    response = await client.post(url, json={})
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "nothing_to_log"
    said = german["exceptions"]["webhook_nothing_to_log"]["message"]
    assert body["message"] == said
    assert said != english["exceptions"]["webhook_nothing_to_log"]["message"]


@pytest.mark.parametrize(
    ("home_assistant", "model"), [("de", "Schmerzprofil"), ("en", "Pain profile")]
)
async def test_the_profile_device_says_what_it_is_in_home_assistant_s_language(
    hass: HomeAssistant,
    profile_options: dict[str, Any],
    home_assistant: str,
    model: str,
) -> None:
    """The device list under backwalk says "Pain profile" in the household's language."""
    hass.config.language = home_assistant
    entry = MockConfigEntry(
        domain=DOMAIN, title="Alex", data={"name": "Alex"}, options=profile_options
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    [device] = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert device.model == model


class Voice(TextToSpeechEntity):
    """A text-to-speech engine with the voices it has (it makes no sound)."""

    def __init__(self, languages: list[str]) -> None:
        """Speak `languages`, the first by default."""
        self._attr_name = "Piper"
        self._attr_supported_languages = languages
        self._attr_default_language = languages[0]

    def get_tts_audio(
        self, message: str, language: str, options: dict[str, Any]
    ) -> TtsAudioType:
        """Return no audio: the speaker is a stand-in anyway."""
        return None, None


class VoiceFlow(ConfigFlow):
    """The stand-in engine's integration is set up from a config entry."""


@pytest.fixture
def voice_flow() -> Iterator[None]:
    """Let the stand-in engine's config entry load."""
    with mock_config_flow("voice_test", VoiceFlow):
        yield


async def async_add_voice(hass: HomeAssistant, languages: list[str]) -> None:
    """Set up Home Assistant's text-to-speech with one engine, tts.piper."""

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        await hass.config_entries.async_forward_entry_setups(entry, ["tts"])
        return True

    async def add_voice(
        hass: HomeAssistant,
        entry: ConfigEntry,
        add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        add_entities([Voice(languages)])

    mock_integration(hass, MockModule("voice_test", async_setup_entry=setup_entry))
    mock_platform(hass, "voice_test.tts", MockPlatform(async_setup_entry=add_voice))
    mock_platform(hass, "voice_test.config_flow")  # the flow itself is VoiceFlow
    assert await async_setup_component(hass, "tts", {})
    voice_entry = MockConfigEntry(domain="voice_test")
    voice_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(voice_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("tts.piper") is not None


@pytest.mark.usefixtures("voice_flow")
@pytest.mark.parametrize(
    ("voices", "spoken_in"),
    [(["en-US", "de-DE"], "de-DE"), (["de"], "de"), (["en-US", "en-GB"], None)],
)
async def test_the_reminder_is_spoken_in_a_voice_of_the_profile_s_language(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    voices: list[str],
    spoken_in: str | None,
) -> None:
    """A German reminder asks for a German voice; an engine with none keeps its own."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    await async_add_voice(hass, voices)
    delivered = Delivered(hass)  # the speaker is a stand-in: capture what it is told
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await at(hass, freezer, "2026-11-23T06:20:00+00:00")
    [speak] = delivered.spoken
    assert speak.data["message"].startswith("Alex, dein Spaziergang ist um 7 Uhr 30.")
    assert speak.data.get("language") == spoken_in


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_webhook_refusal_in_every_language(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    language: str,
) -> None:
    """Each refusal the webhook gives, in each language: the language file's sentence.

    Its placeholders filled with the values the code gives (a placeholder the code
    does not give would be left in braces), never English in place of another.
    """
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, "language": language}
    )
    strings = json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8"))
    exceptions = strings["exceptions"]
    client = await hass_client_no_auth()
    url = f"/api/webhook/{loaded_entry.data['webhook_id']}"
    bodies: list[tuple[Any, str]] = [
        (b"{not json", "webhook_invalid_json"),
        ({}, "webhook_nothing_to_log"),
        ({"minutes": 10, "started": "1999-12-31T08:00:00+01:00"}, "time_out_of_range"),
        ({"pain": 7.9}, "level_not_whole"),
        ({"minutes": 601}, "minutes_out_of_range"),
    ]
    for body, key in bodies:
        if isinstance(body, bytes):
            response = await client.post(url, data=body)
        else:
            response = await client.post(url, json=body)
        assert response.status == 400, key
        answer = await response.json()
        assert answer["error"] == key.removeprefix("webhook_")
        message = answer["message"]
        assert "{" not in message, (key, message)
        template = exceptions[key]["message"]
        fixed = template.split("{")[0]
        assert message.startswith(fixed), (key, message)
    response = await client.post(url, data=b" " * (WEBHOOK_MAX_BODY_BYTES + 1))
    assert response.status == 413
    answer = await response.json()
    assert answer["error"] == "body_too_large"
    template = exceptions["webhook_body_too_large"]["message"]
    assert "{" not in answer["message"]
    assert answer["message"].startswith(template.split("{")[0])
