"""The portal's PostgreSQL role: what it may read and write, as SQL.

The portal process connects as this role (portal_settings). It may:
- read the published rows of the opportunity and policy libraries and of the bulletins,
  enforced by row security policies on those tables (a row not published does not exist
  for it), their documents and industries through the same rule;
- read the reference data, the unit names, the portal's own content, and the issued
  reports' main indicators through the ``portal_results`` view (not the reports);
- insert submissions (and read back only their id, which the INSERT returns);
- keep CAPTCHA challenges.
Everything else — projects, leads, enterprises, users, sessions, the audit trail — is
not granted, so a query for it fails with "permission denied".

Row security, once enabled on a table, hides every row from every role that is not its
owner unless a policy lets it through; the staff system may run as a role that does not
own the tables (docs/deployment.md, "PostgreSQL roles"), so each table also gets a policy
that lets every role but the portal's see and change all rows."""

from psycopg import sql

PUBLISHED = {
    # table: the condition a row must meet for the portal to see it
    "opportunities_opportunity": "status IN ('published', 'negotiating', 'landed')",
    "opportunities_opportunitydocument": (
        "public AND opportunity_id IN (SELECT id FROM opportunities_opportunity)"
    ),
    "policies_policy": "status IN ('current', 'revised', 'repealed')",
    "policies_policy_industries": "policy_id IN (SELECT id FROM policies_policy)",
    "policies_policyattachment": "policy_id IN (SELECT id FROM policies_policy)",
    "reports_bulletin": "status = 'issued'",
}
# Typical complaint cases (when complaints are installed): the published ones, and of
# those only the anonymised text, never the column that leads back to the complaint.
CASES = "complaints_typicalcase"
CASE_COLUMNS = ["id", "title", "summary", "handling", "published", "published_on"]
# Public by nature: read whole.
READ = [
    "portal_profile",
    "portal_showcase",
    "portal_results",
    "reference_industry",
    "reference_keyindustry",
    "reference_zone",
    "reference_zone_key_industries",
    "reference_carrier",
    "reference_carrier_leading_industries",
    "org_department",
]
CAPTCHA = "captcha_captchastore"
SUBMISSIONS = "portal_submission"
POLICY_NAME = "portal_published"
STAFF_POLICY = "staff_all_rows"


def statements(role):
    """The SQL that makes ``role`` exactly the portal's (idempotent)."""
    from django.apps import apps

    r = sql.Identifier(role)
    published = dict(PUBLISHED)
    if apps.is_installed("zhaoshang.complaints"):
        published[CASES] = "published"
    out = [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(r),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
    ]
    for table, condition in published.items():
        t = sql.Identifier(table)
        columns = (
            sql.SQL("({})").format(sql.SQL(", ").join(map(sql.Identifier, CASE_COLUMNS)))
            if table == CASES
            else sql.SQL("")
        )
        out += [
            sql.SQL("GRANT SELECT {} ON {} TO {}").format(columns, t, r),
            sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t),
            sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY_NAME), t),
            sql.SQL("CREATE POLICY {} ON {} FOR SELECT TO {} USING ({})").format(
                sql.Identifier(POLICY_NAME), t, r, sql.SQL(condition)
            ),
            sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(STAFF_POLICY), t),
            sql.SQL(
                "CREATE POLICY {} ON {} FOR ALL TO PUBLIC "
                "USING (current_user <> {}) WITH CHECK (current_user <> {})"
            ).format(sql.Identifier(STAFF_POLICY), t, sql.Literal(role), sql.Literal(role)),
        ]
    for table in READ:
        out.append(sql.SQL("GRANT SELECT ON {} TO {}").format(sql.Identifier(table), r))
    c = sql.Identifier(CAPTCHA)
    out += [
        sql.SQL("GRANT SELECT, INSERT, DELETE ON {} TO {}").format(c, r),
        sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.Identifier(f"{CAPTCHA}_id_seq"), r),
    ]
    s = sql.Identifier(SUBMISSIONS)
    out += [
        sql.SQL("GRANT INSERT ON {} TO {}").format(s, r),
        # INSERT … RETURNING id needs to read the id it returns, and only that.
        sql.SQL("GRANT SELECT (id) ON {} TO {}").format(s, r),
        sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
            sql.Identifier(f"{SUBMISSIONS}_id_seq"), r
        ),
    ]
    return out


def apply(cursor, role, password=None):
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    if password:
        cursor.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
        )
    for statement in statements(role):
        cursor.execute(statement)
