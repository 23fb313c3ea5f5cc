"""The Slack side of reporting: uploading a file (the digest's chart, an export) to a channel
or to a person's DM.

Files need a conversation id, not a user id, so a DM is opened with `conversations.open`
first. `files_upload_v2` runs Slack's two-step upload (`files.getUploadURLExternal`, then
`files.completeUploadExternal`) and shares the file with `initial_comment`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.client import make_web_client


class SlackFileSender:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackFileSender:
        return cls(make_web_client(settings))

    def dm_channel(self, user: str) -> str:
        response = self.client.conversations_open(users=user)
        return str(response["channel"]["id"])

    def send_file(
        self,
        *,
        channel: str | None,
        user: str | None,
        content: bytes,
        filename: str,
        title: str,
        comment: str,
    ) -> dict[str, str]:
        """Upload and share; returns the file id, its permalink and the conversation."""
        if channel is None:
            if user is None:
                raise ValueError("a file needs a channel or a user")
            channel = self.dm_channel(user)
        response = self.client.files_upload_v2(
            channel=channel,
            file=content,
            filename=filename,
            title=title,
            initial_comment=comment,
        )
        uploaded: Any = response.get("file") or (response.get("files") or [{}])[0]
        return {
            "file_id": str(uploaded.get("id", "")),
            "permalink": str(uploaded.get("permalink", "")),
            "channel": channel,
        }
