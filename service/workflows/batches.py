"""Batch uploads: keep the uploaded file under the data folder within the size limit."""

from pathlib import Path
from typing import BinaryIO

from service.config import Settings
from service.engine.errors import ScreeningError

COPY_BYTES = 1 << 20


class BatchTooLarge(ScreeningError):
    """The file is over a configured size or row limit."""

    code = "payload_too_large"
    status = 413


def save_upload(stream: BinaryIO, settings: Settings, job_id: str) -> Path:
    """Copy an upload under the data dir, refusing it once it passes the size limit."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path, size = folder / f"{job_id}.csv", 0
    with path.open("wb") as handle:
        while chunk := stream.read(COPY_BYTES):
            size += len(chunk)
            if size > settings.batch_max_upload_bytes:
                handle.close()
                path.unlink()
                raise BatchTooLarge(
                    f"the upload is over the limit of {settings.batch_max_upload_bytes} bytes"
                )
            handle.write(chunk)
    return path
