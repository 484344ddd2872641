# ruff: noqa: E501 - the table of exact snippets reads best one mutation per line
"""Remove each security control by hand and check that its test in zoneops/tests/security/ fails.

Usage: .venv/bin/python scripts/security-mutations.py [name ...]   (names: the first column below)
Each mutation replaces one exact snippet, runs the named tests, prints OK (they failed, as they must)
or MISS (a control whose removal no test notices), and restores the file. A snippet that no longer
matches is reported with "!!": update it here when the code moves.
"""
import subprocess
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent) + "/"
T = "zoneops/tests/security/"
IA, AC, SA, IP, DI, RI = (T + m + ".py" for m in ("test_identity_authentication", "test_access_control",
                                                  "test_security_audit", "test_intrusion_prevention",
                                                  "test_data_integrity_confidentiality", "test_residual_information"))
MUTATIONS = [
 ("token expiry", "zoneops/accounts/services.py", '"令牌已过期" if token.expires_at is None or token.expires_at <= now else', '"令牌已过期" if False else', IA + "::test_api_token_expires_after_the_configured_days"),
 ("owner revoke", "zoneops/accounts/services.py", 'ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now(), revoke_reason=reason[:100])', 'pass', IA + "::test_owner_revokes_own_token_on_the_tokens_page"),
 ("revoke permission", "zoneops/accounts/services.py", 'if not actor.is_system and not own and not may_act_on(actor, TOKEN_ADMIN_PERMISSION, token.person):', 'if False:', IA + "::test_security_admin_revokes_anyones_token_others_may_not"),
 ("revoke all", "zoneops/accounts/services.py", 'count = ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(\n        revoked_at=timezone.now(), revoke_reason=reason[:100])', 'count = 0', IA + "::test_every_token_ends_with_password_reset_change_lock_and_deactivation"),
 ("forced change api", "zoneops/accounts/services.py", 'raise TokenRefused("password_change_required"', 'print("password_change_required"', IA + "::test_forced_password_change_blocks_the_api_for_tokens_too"),
 ("may use api", "zoneops/accounts/services.py", 'return any(grant.role.duty == Duty.BUSINESS for grant in user_grants(person))', 'return True', IA + "::test_tokens_page_only_for_people_who_may_use_the_api"),
 ("current pw throttle", "zoneops/accounts/services.py", '    _register_failure(person.username, actor.ip, actor)\n    if locked_until', '    if locked_until', IA + "::test_wrong_current_password_is_audited_and_locks_like_a_failed_sign_in"),
 ("session limit", "zoneops/accounts/services.py", 'keep = 1 if only else max(settings.ZONEOPS_MAX_SESSIONS, 1)', 'keep = 1000', IA + "::test_sessions_per_account_are_limited_and_the_oldest_ends " + RI + "::test_the_session_ended_by_the_limit_is_deleted " + RI + "::test_password_change_deletes_every_other_session_of_the_account"),
 ("held role", "zoneops/org/services.py", 'if not actor.is_system and actor.person.grants.filter(role=role).exists():', 'if False:', AC + "::test_security_admin_cannot_edit_the_role_they_hold"),
 ("business to admin", "zoneops/org/services.py", '    if role.duty == Duty.BUSINESS and held:', '    if False:', AC + "::test_no_business_role_is_granted_to_an_admin_account"),
 ("admin to business", "zoneops/org/services.py", '    if role.duty != Duty.BUSINESS and person.grants.filter(role__duty=Duty.BUSINESS).exists():', '    if False:', AC + "::test_no_admin_duty_is_granted_to_a_business_account"),
 ("grant refusal audit", "zoneops/org/services.py", '@audit_refusals("grant.create", target="person", refusals=(PermissionDenied, SeparationOfDuties))\n', '', AC + "::test_refused_self_grant_is_audited"),
 ("admin password", "zoneops/org/services.py", '        if admin_duties(person):', '        if False:', AC + "::test_system_admin_cannot_reset_an_admins_password_in_the_ui " + AC + "::test_no_admin_may_set_an_admins_password_through_the_services_or_the_api"),
 ("hmac", "zoneops/audit/services.py", 'return (ring or key_ring()).sign(entry.key_id, prev_hash + _canonical(entry))', 'import hashlib; return hashlib.sha256((prev_hash + _canonical(entry)).encode()).hexdigest()', SA + "::test_rewritten_row_with_recomputed_plain_hashes_is_detected"),
 ("checkpoints ignored", "zoneops/audit/services.py", 'checkpoints = {cp["last_id"]: cp for cp in load_checkpoints(ring)}', 'checkpoints = {}', SA + "::test_cut_tail_and_rewound_head_is_detected_by_the_checkpoint " + SA + "::test_rewritten_chain_resigned_with_a_stolen_key_disagrees_with_the_checkpoint"),
 ("checkpoint signature", "zoneops/audit/checkpoints.py", 'if expected is None or not hmac.compare_digest(expected, str(data.get("signature", ""))):', 'if False:', SA + "::test_forged_checkpoint_is_refused"),
 ("hash fields", "zoneops/audit/services.py", '"at", "actor_id", "actor_name", "ip", "action", "object_type", "object_id",\n    "object_repr", "result", "changes", "detail", "key_id",', '"at", "actor_name", "ip", "action", "object_type", "object_id",\n    "object_repr", "result", "detail", "key_id",', SA + "::test_the_hash_covers_changes_and_actor"),
 ("key perms", "zoneops/audit/keys.py", 'if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):', 'if False:', SA + "::test_key_lives_outside_the_database_in_a_0600_file"),
 ("rotation keeps old", "zoneops/audit/keys.py", '        self.keys = dict(entries)', '        self.keys = dict(entries[-1:])', SA + "::test_key_rotation_keeps_old_rows_verifiable"),
 ("worker schedule", "zoneops/core/management/commands/worker.py", '        enqueue_periodic()\n', '', SA + "::test_worker_writes_the_checkpoint_on_schedule"),
 ("audit middleware", "zoneops/settings.py", '    "zoneops.audit.middleware.AuditRequestMiddleware",\n', '', SA + "::test_refused_requests_are_audited " + SA + "::test_reads_of_a_project_a_photo_and_a_person_are_audited"),
 ("bad token audit", "zoneops/accounts/services.py", '        audit_record(Actor(person=None, ip=ip, label=f"令牌 {(raw or \'\')[:8]}…"), "auth.token",', '        0 and audit_record(Actor(person=None, ip=ip, label=f"令牌 {(raw or \'\')[:8]}…"), "auth.token",', SA + "::test_invalid_bearer_tokens_are_audited"),
 ("paging audit", "zoneops/api/pagination.py", '        audit_record(Actor.from_request(request), "export", target,', '        0 and audit_record(Actor.from_request(request), "export", target,', SA + "::test_api_paging_is_audited_like_an_export"),
 ("htmx audit", "zoneops/audit/views.py", '    audit_record(Actor.from_request(request), "audit.view"', '    request.htmx or audit_record(Actor.from_request(request), "audit.view"', SA + "::test_audit_admin_reads_are_audited_with_htmx_too"),
 ("xff", "zoneops/audit/context.py", 'return hops[-proxies if len(hops) >= proxies else 0][:45]', 'return hops[0][:45]', IP + "::test_lockout_behind_one_proxy_uses_the_address_the_proxy_appended"),
 ("csp", "zoneops/settings.py", '    "csp.middleware.CSPMiddleware",\n', '', IP + "::test_pages_carry_a_strict_content_security_policy_with_nonces"),
 ("docs login", "zoneops/api/urls.py", '    docs_decorator=docs_access,\n', '', IP + "::test_api_docs_are_vendored_and_need_sign_in_unless_opened"),
 ("open redirect", "zoneops/projects/views_reports.py", 'return redirect(safe_next(request, "projects:reports"))', 'return redirect(request.POST.get("next") or "projects:reports")', IP + "::test_report_review_does_not_redirect_off_site"),
 ("csrf json", "zoneops/api/errors.py", '        if exc.status_code == 403 and "CSRF" in str(exc):', '        if False:', IP + "::test_api_csrf_failure_answers_json_in_the_api_error_format"),
 ("413 json", "zoneops/core/middleware.py", '        except (RequestDataTooBig, TooManyFieldsSent):', '        except ZeroDivisionError:', IP + "::test_api_oversized_body_answers_json_413"),
 ("missing version", "zoneops/core/models.py", '        if expected_version is not UNCHECKED:', '        if expected_version is not UNCHECKED and expected_version is not None:', DI + "::test_a_form_posted_without_a_version_is_a_conflict_not_an_overwrite " + DI + "::test_api_report_output_carries_the_version_an_api_client_amends_with"),
 ("report version out", "zoneops/projects/api.py", '    version: int = Field(description="版本号：修改（重新填报退回的）进度时原样带回")\n', '', DI + "::test_api_report_output_carries_the_version_an_api_client_amends_with"),
 ("secret key prod", "zoneops/settings.py", '    if production:\n        raise', '    if False:\n        raise', DI + "::test_production_refuses_to_start_without_a_secret_key"),
 ("other sessions", "zoneops/accounts/views.py", 'session_register(request, request.user, only=True)', 'session_register(request, request.user)', RI + "::test_password_change_deletes_every_other_session_of_the_account"),
]
only = sys.argv[1:]
for name, path, old, new, tests in MUTATIONS:
    if only and name not in only:
        continue
    full = ROOT + path
    text = Path(full).read_text()
    if text.count(old) != 1:
        print(f"!! {name}: pattern found {text.count(old)} times")
        continue
    Path(full).write_text(text.replace(old, new))
    try:
        r = subprocess.run([ROOT + ".venv/bin/pytest", "-q", *tests.split()], cwd=ROOT,  # noqa: S603
                           capture_output=True, text=True, timeout=300, check=False)
        last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-200:]
        print(("OK   " if r.returncode else "MISS ") + name + " :: " + last, flush=True)
    finally:
        Path(full).write_text(text)
