"""The two visitors a page is rendered for: a desktop browser and a phone.

Screenshots stay at device scale 1 so a full-page capture of a long page stays a few megabytes; the user
agents name the Chrome major version actually running, so the UA string and the client hints agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.models.facts import Device


@dataclass(frozen=True)
class DeviceProfile:
    name: Device
    width: int
    height: int
    is_mobile: bool
    has_touch: bool
    user_agent_template: str

    def user_agent(self, chrome_major: str) -> str:
        return self.user_agent_template.format(major=chrome_major)


# Chrome's reduced user-agent strings (platform and version frozen except the major), as sent today.
DESKTOP = DeviceProfile(
    name="desktop",
    width=1440,
    height=900,
    is_mobile=False,
    has_touch=False,
    user_agent_template=(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{major}.0.0.0 Safari/537.36"
    ),
)
MOBILE = DeviceProfile(
    name="mobile",
    width=390,
    height=844,
    is_mobile=True,
    has_touch=True,
    user_agent_template=(
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/{major}.0.0.0 Mobile Safari/537.36"
    ),
)
PROFILES: dict[Device, DeviceProfile] = {"desktop": DESKTOP, "mobile": MOBILE}
