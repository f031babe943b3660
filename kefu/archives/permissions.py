"""Who may see which file of the archive (D2; 003 档案使用): one rule for every list, search, export, the
API and the customer timeline.

Holders of `archives.view_archivefile` read the catalogue. A restricted file (`restricted_to` set: the
inspection files, 第三条(十一)) is listed only to holders of `archives.view_restricted_archivefile` (the
archive room, the leaders, the inspectors) — to anyone else it does not exist: 404, never in a search."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.archives.models import ArchiveFile, Key


def visible_files(user):
    """The files `user` may see in any list, search, export or API answer."""
    if not user.has_perm("archives.view_archivefile"):
        return ArchiveFile.objects.none()
    files = ArchiveFile.objects.all()
    if not user.has_perm("archives.view_restricted_archivefile"):
        files = files.filter(restricted_to="")
    return files


def get_file_for(user, pk) -> ArchiveFile:
    """The file for its page and the API: 403 without the catalogue right, 404 outside the user's view."""
    if not user.has_perm("archives.view_archivefile"):
        raise PermissionDenied("没有查看档案目录的权限")
    try:
        return visible_files(user).select_related("customer", "department", "unit", "custodian").get(pk=pk)
    except (ArchiveFile.DoesNotExist, ValueError, TypeError):
        raise Http404("档案不存在") from None


def visible_keys(user):
    """The keys `user` may see (D4): the whole cabinet for holders of `archives.view_key` (the archive room,
    the department's leaders, the engineering manager); none for anyone else. One rule for the cabinet,
    its export and labels, the register, the copy queue and the API."""
    if not user.has_perm("archives.view_key"):
        return Key.objects.none()
    return Key.objects.all()


def get_key_for(user, pk) -> Key:
    """The key for its page and the API: 403 without the cabinet right, 404 for no such key."""
    if not user.has_perm("archives.view_key"):
        raise PermissionDenied("没有查看钥匙柜的权限")
    try:
        return visible_keys(user).select_related("custodian", "customer").get(pk=pk)
    except (Key.DoesNotExist, ValueError, TypeError):
        raise Http404("钥匙不存在") from None
