"""Constants for backwalk."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "backwalk"

# Config entry data (identity) and options (everything the user may change later).
CONF_NAME: Final = "name"
CONF_PAIN_DURATION: Final = "pain_duration"
CONF_USUAL_PAIN: Final = "usual_pain"
CONF_WALKS_PER_WEEK: Final = "walks_per_week"
CONF_TARGET_MINUTES: Final = "target_minutes"
CONF_STARTING_MINUTES: Final = "starting_minutes"
CONF_DAILY_MINIMUM: Final = "daily_minimum_minutes"
# Several walks on one day count as one of the week's walks (default: each walk counts).
CONF_COUNT_WALK_DAYS: Final = "count_walk_days"
CONF_FIRST_WEEKDAY: Final = "first_weekday"
CONF_PAIN_DAY_THRESHOLD: Final = "pain_day_threshold"
CONF_RED_FLAG_LEVEL: Final = "red_flag_level"

CONF_ALTERNATIVES: Final = "preferred_alternatives"
# The person (and so the Home Assistant user) the profile belongs to: Assist takes
# "I" from that user to mean this profile.
CONF_PERSON: Final = "person"
# The language of the profile's reminders and texts (one of model.LANGUAGES).
CONF_LANGUAGE: Final = "language"
# Schedule
CONF_WALK_DAYS: Final = "walk_days"
CONF_WALK_TIME: Final = "walk_time"
CONF_STRETCH_LEAD: Final = "stretch_lead_minutes"
CONF_CHECK_IN_AFTER: Final = "check_in_after_minutes"
CONF_QUIET_START: Final = "quiet_start"
CONF_QUIET_END: Final = "quiet_end"
# Where nudges go
CONF_MEDIA_PLAYERS: Final = "media_players"
CONF_TTS_ENTITY: Final = "tts_entity"
CONF_MOBILE_APPS: Final = "mobile_app_services"
CONF_NOTIFY_ENTITIES: Final = "notify_entities"
CONF_PERSISTENT: Final = "persistent_notification"
# Where the person is (the person entity is CONF_PERSON) and what the weather does
CONF_PRESENCE_ENTITY: Final = "presence_entity"
CONF_OCCUPANCY_SENSORS: Final = "occupancy_sensors"
CONF_WEATHER_ENTITY: Final = "weather_entity"
CONF_HEAT_THRESHOLD: Final = "heat_threshold"
# Automatic tracking
CONF_ACTIVITY_ENTITIES: Final = "activity_entities"
CONF_WALKING_STATES: Final = "walking_states"
CONF_MIN_CONFIDENCE: Final = "min_confidence"
CONF_MERGE_WINDOW: Final = "merge_window_minutes"
CONF_MIN_WALK: Final = "min_walk_minutes"
CONF_STEPS_ENTITY: Final = "steps_entity"
CONF_STEPS_MODE: Final = "steps_mode"
CONF_CADENCE: Final = "cadence_threshold"
DEFAULT_WALKING_STATES: Final = "walking, on_foot"
DEFAULT_MIN_CONFIDENCE: Final = 50
DEFAULT_MERGE_WINDOW: Final = 3
DEFAULT_MIN_WALK: Final = 3
DEFAULT_CADENCE: Final = 90
# Webhook (the id identifies the profile, so it lives in data)
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_WEBHOOK_LOCAL_ONLY: Final = "webhook_local_only"
# A webhook body is a few hundred bytes (a 500-character note is the most text it holds);
# larger ones are refused after reading at most this much, not Home Assistant's 16 MB.
WEBHOOK_MAX_BODY_BYTES: Final = 64 * 1024

DEFAULT_USUAL_PAIN: Final = 3
DEFAULT_WALK_DAYS: Final = [0, 2, 4]
DEFAULT_WALK_TIME: Final = "07:30:00"
DEFAULT_STRETCH_LEAD: Final = 10
DEFAULT_CHECK_IN_AFTER: Final = 120
ALTERNATIVES: Final = ["swimming", "stationary_bike", "yoga"]

EVENT_NUDGE: Final = "backwalk_nudge"

# Events other automations can listen to.
EVENT_LOGGED: Final = "backwalk_logged"
# Every deletion, with who asked for it: deleting history should leave a trace.
EVENT_DELETED: Final = "backwalk_deleted"

# Service (action) names and fields.
SERVICE_LOG_WALK: Final = "log_walk"
SERVICE_REPORT_PAIN: Final = "report_pain"
SERVICE_LOG_STRETCH: Final = "log_stretch"
SERVICE_LOG_ALTERNATIVE: Final = "log_alternative"
SERVICE_DELETE_ENTRY: Final = "delete_entry"
SERVICE_GET_HISTORY: Final = "get_history"
SERVICE_UNDO_LAST: Final = "undo_last"
SERVICE_CORRECT_PAIN: Final = "correct_pain"
SERVICE_CREATE_REPORT: Final = "create_report"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_MINUTES: Final = "minutes"
ATTR_STARTED: Final = "started"
ATTR_DISTANCE_KM: Final = "distance_km"
ATTR_NOTE: Final = "note"
ATTR_LEVEL: Final = "level"
ATTR_ACTIVITY: Final = "activity"
ATTR_ENTRY_ID: Final = "entry_id"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
