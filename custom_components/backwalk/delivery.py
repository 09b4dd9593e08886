"""Where a nudge goes: speakers, phones, notify entities, the notification, the event.

The reminder engine decides when; this module only delivers. Speech follows the
person (whereabouts.py): none while they are out, only their room's speakers when
room presence says where they are. A failing or missing target skips only itself,
and missing targets are reported as a repair.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .compat import async_get_profile_device
from .const import (
    CONF_MEDIA_PLAYERS,
    CONF_MOBILE_APPS,
    CONF_NOTIFY_ENTITIES,
    CONF_PERSISTENT,
    CONF_TTS_ENTITY,
    DOMAIN,
    EVENT_NUDGE,
)
from .language import profile_language, profile_messages, voice_language
from .model import Nudge, NudgeType
from .model.markdown import escape_markdown
from .model.presence import Reason
from .runtime import ProfileRuntime
from .whereabouts import speaker_choice

_LOGGER = logging.getLogger(__name__)

ACTION_PREFIX = "BACKWALK"
ACTION_STRETCHED = "STRETCHED"
ACTION_WALKED = "WALKED"
ACTION_SNOOZE = "SNOOZE"
ACTION_PAIN = "PAIN"
SNOOZE_MINUTES = 15


def action_id(verb: str, entry_id: str) -> str:
    """Build a notification action id that names the profile it belongs to."""
    return f"{ACTION_PREFIX}_{verb}_{entry_id}"


class NudgeDelivery:
    """Delivers a profile's nudges to every target its options name."""

    def __init__(self, hass: HomeAssistant, runtime: ProfileRuntime) -> None:
        """Deliver for this profile; its options are read at each delivery."""
        self.hass = hass
        self.runtime = runtime

    @property
    def entry_id(self) -> str:
        """The profile's config entry id."""
        return self.runtime.entry.entry_id

    @property
    def _tag(self) -> str:
        # One per profile: a new nudge replaces the last on the phone, as it does in
        # Home Assistant's notifications.
        return f"backwalk_{self.entry_id}"

    @property
    def _notification_id(self) -> str:
        return f"{DOMAIN}_{self.entry_id}"

    async def async_deliver(self, nudge: Nudge) -> None:
        """Speak, push, notify and announce one nudge; a failing target skips only itself."""
        options = self.runtime.entry.options
        missing: list[str] = []
        delivered_to: list[str] = []

        players = [
            p for p in options.get(CONF_MEDIA_PLAYERS, []) if self._exists(p, missing)
        ]
        choice = speaker_choice(self.hass, options, players)
        speakers = list(choice.speakers)
        tts_entity = options.get(CONF_TTS_ENTITY)
        if speakers and tts_entity and self._exists(tts_entity, missing):
            speech: dict[str, Any] = {
                "media_player_entity_id": speakers,
                "message": nudge.spoken,
            }
            language = profile_language(self.hass, self.runtime.entry)
            if voice := voice_language(self.hass, tts_entity, language):
                speech["language"] = voice
            if await self._async_call(
                "tts", "speak", speech, {"entity_id": tts_entity}
            ):
                delivered_to += speakers
        phones = options.get(CONF_MOBILE_APPS, [])
        for service in phones:
            if not self.hass.services.has_service("notify", service):
                missing.append(f"notify.{service}")
                continue
            if await self._async_call(
                "notify",
                service,
                {
                    "title": nudge.title,
                    "message": nudge.message,
                    "data": {
                        "tag": self._tag,
                        "actions": self._actions(nudge),
                    },
                },
            ):
                delivered_to.append(f"notify.{service}")
        notify_entities = [
            e for e in options.get(CONF_NOTIFY_ENTITIES, []) if self._exists(e, missing)
        ]
        if notify_entities and await self._async_call(
            "notify",
            "send_message",
            {"title": nudge.title, "message": nudge.message},
            {"entity_id": notify_entities},
        ):
            delivered_to += notify_entities
        # Out of the house with no phone chosen, the notification is what reaches them.
        away_unreached = choice.reason is Reason.AWAY and not phones
        if options.get(CONF_PERSISTENT, True) or not delivered_to or away_unreached:
            persistent_notification.async_create(
                self.hass,
                nudge.message,
                title=nudge.title,
                notification_id=self._notification_id,
            )
            delivered_to.append("persistent_notification")
        self._report_missing(missing)
        self._fire_event(nudge, delivered_to, choice.reason)

    async def async_withdraw(self) -> None:
        """Remove the last nudge where it can be removed.

        A spoken message and a notify entity's message cannot be taken back.
        """
        persistent_notification.async_dismiss(self.hass, self._notification_id)
        for service in self.runtime.entry.options.get(CONF_MOBILE_APPS, []):
            if self.hass.services.has_service("notify", service):
                # The companion app's way to remove a notification: by its tag.
                await self._async_call(
                    "notify",
                    service,
                    {"message": "clear_notification", "data": {"tag": self._tag}},
                )

    def _fire_event(
        self, nudge: Nudge, delivered_to: list[str], reason: Reason
    ) -> None:
        device = async_get_profile_device(self.hass, self.entry_id)
        self.hass.bus.async_fire(
            EVENT_NUDGE,
            {
                "entry_id": self.entry_id,
                "device_id": device.id if device else None,
                "profile": self.runtime.name,
                "type": nudge.type.value,
                "key": nudge.key,
                "title": nudge.title,
                "message": nudge.message,
                "spoken": nudge.spoken,
                "walk_time": nudge.walk_time.isoformat() if nudge.walk_time else None,
                "guidance": list(nudge.guidance),
                # The phone buttons in the profile's language, for automations that
                # send the nudge themselves (the check-in blueprint).
                "actions": self._actions(nudge),
                # Where it went and why (away, in_area, no_presence), and the
                # forecast condition a before-walk nudge was decided with.
                "delivered_to": delivered_to,
                "reason": reason.value,
                "weather_condition": nudge.weather_condition,
                "weather_hazard": nudge.weather_hazard,
            },
        )

    def _exists(self, entity_id: str, missing: list[str]) -> bool:
        if self.hass.states.get(entity_id) is None:
            missing.append(entity_id)
            return False
        return True

    async def _async_call(
        self,
        domain: str,
        service: str,
        data: dict[str, Any],
        target: dict[str, Any] | None = None,
    ) -> bool:
        try:
            await self.hass.services.async_call(
                domain, service, data, blocking=True, target=target
            )
        except Exception as err:  # noqa: BLE001
            # Any failure, not only HomeAssistantError: a bug in another integration
            # must skip only its target, not stop this reminder and every later one.
            _LOGGER.warning(
                "Could not deliver a backwalk reminder via %s.%s: %s",
                domain,
                service,
                err,
            )
            return False
        return True

    def _actions(self, nudge: Nudge) -> list[dict[str, Any]]:
        """Phone buttons that answer the nudge, in the profile's language; each names this profile."""
        if nudge.type is NudgeType.RED_FLAG:
            return []  # nothing to log or snooze about seeking care (G15)
        messages = profile_messages(self.hass, self.runtime.entry)
        buttons: list[dict[str, Any]] = []
        if nudge.type is NudgeType.STRETCH:
            buttons.append(
                {
                    "action": action_id(ACTION_STRETCHED, self.entry_id),
                    "title": messages("button.stretched"),
                }
            )
        if nudge.type in (NudgeType.STRETCH, NudgeType.CHECK_IN):
            buttons.append(
                {
                    "action": action_id(ACTION_WALKED, self.entry_id),
                    "title": messages("button.walked"),
                }
            )
        buttons.append(
            {
                "action": action_id(ACTION_SNOOZE, self.entry_id),
                "title": messages("button.snooze", minutes=SNOOZE_MINUTES),
            }
        )
        buttons.append(
            {
                "action": action_id(ACTION_PAIN, self.entry_id),
                "title": messages("button.in_pain"),
                "behavior": "textInput",
                "textInputButtonTitle": messages("button.report"),
                "textInputPlaceholder": messages("button.pain_placeholder"),
            }
        )
        return buttons

    def _report_missing(self, missing: list[str]) -> None:
        issue_id = f"missing_target_{self.entry_id}"
        if not missing:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="missing_target",
            # Rendered as markdown in the repair; a phone's name is typed by hand.
            translation_placeholders={
                "profile": escape_markdown(self.runtime.name),
                "targets": escape_markdown(", ".join(sorted(set(missing)))),
            },
            data={"entry_id": self.entry_id},
        )
