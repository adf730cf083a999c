"""The built-in roles: code, name, kind, data scope and permissions.

Synced into the Role table after every migrate (``sync_builtin_roles``). A later module
gives a role a new permission by naming it once below (a constant) and adding that constant
to the role's list.
Custom roles are made by the security administrator on the roles page.
"""

from dataclasses import dataclass, field

# Every permission the code checks is named here once; views, services, the API, the
# navigation and the home cards import these constants (a guard test refuses a
# permission string written anywhere else).
VIEW_DEPARTMENT = "org.view_department"
MANAGE_DEPARTMENT = "org.manage_department"
VIEW_USER = "org.view_user"
MANAGE_USER = "org.manage_user"
MANAGE_ROLE = "org.manage_role"
UNLOCK_USER = "org.unlock_user"
MANAGE_POLICY = "org.manage_policy"
MANAGE_APIKEY = "api.manage_apikey"  # API keys are accounts of other systems
VIEW_AUDIT_LOG = "audit.view_audit_log"
VIEW_REFERENCE = "reference.view_reference"
MANAGE_REFERENCE = "reference.manage_reference"
# The working calendar: the office and the system administrator enter each year's notice.
MANAGE_CALENDAR = "reference.manage_calendar"
VIEW_ENTERPRISES = "enterprises.view_enterprise_library"
MANAGE_ENTERPRISES = "enterprises.manage_enterprise"
IMPORT_ENTERPRISES = "enterprises.import_enterprise"
MERGE_ENTERPRISES = "enterprises.merge_enterprise"
VIEW_PIPELINE = "pipeline.view_pipeline"
MANAGE_PIPELINE = "pipeline.manage_pipeline"
COORDINATE_PIPELINE = "pipeline.coordinate_pipeline"
MANAGE_WEBHOOK = "notifications.manage_webhook"
# Targets, the monthly report and dashboards (issue 5).
VIEW_REPORT = "reports.view_report"
VIEW_ISSUED_REPORT = "reports.view_issued_report"
ISSUE_REPORT = "reports.issue_report"
VIEW_UNIT_DASHBOARD = "reports.view_unit_dashboard"
VIEW_TARGET = "assessment.view_target"
MANAGE_TARGET = "assessment.manage_target"
# The opportunity library, the policy library and the portal (issue 14).
VIEW_OPPORTUNITIES = "opportunities.view_opportunities"
MANAGE_OPPORTUNITIES = "opportunities.manage_opportunities"
PUBLISH_OPPORTUNITIES = "opportunities.publish_opportunities"
VIEW_POLICIES = "policies.view_policies"
MANAGE_POLICIES = "policies.manage_policies"
PUBLISH_POLICIES = "policies.publish_policies"
MANAGE_PORTAL = "portal.manage_portal"
REPORT_READ = [VIEW_REPORT, VIEW_ISSUED_REPORT, VIEW_TARGET]
# Aftercare (issue 13): service tickets, visits, expansion; complaints.
VIEW_AFTERCARE = "aftercare.view_aftercare"
MANAGE_AFTERCARE = "aftercare.manage_aftercare"
COORDINATE_AFTERCARE = "aftercare.coordinate_aftercare"
AFTERCARE_WORK = [VIEW_AFTERCARE, MANAGE_AFTERCARE]
# Complaints are the discipline office's; leaders read them. A department sees only what
# it is assigned (``ANSWER_COMPLAINT_TASK``), never the complaint or who made it.
HANDLE_COMPLAINT = "complaints.handle_complaint"
VIEW_COMPLAINT = "complaints.view_complaint"
ANSWER_COMPLAINT_TASK = "complaints.answer_complaint_task"
UNIT_REPORTS = [VIEW_ISSUED_REPORT, VIEW_UNIT_DASHBOARD, VIEW_TARGET]
# Agreements, incentives, disbursement and clawback (issue 12). Terms and amounts are
# confidential: the office, the responsible department, leaders and finance (amounts and
# its step); the tax office supplies and confirms data but sees no amounts; nobody else.
VIEW_AGREEMENT = "agreements.view_agreement"
MANAGE_AGREEMENT = "agreements.manage_agreement"
COMPUTE_INCENTIVE = "agreements.compute_incentive"
SUPPLY_OPERATING_DATA = "agreements.supply_operating_data"
CONFIRM_OPERATING_DATA = "agreements.confirm_operating_data"
VIEW_DISBURSEMENT = "agreements.view_disbursement"
RECORD_MEETING = "agreements.record_meeting"
ALLOCATE_INCENTIVE = "agreements.allocate_incentive"
PAY_INCENTIVE = "agreements.pay_incentive"
AGREEMENT_READ = [VIEW_AGREEMENT, VIEW_DISBURSEMENT]
# Industry chains (issue 15): read by every reader of the enterprise library
# (VIEW_ENTERPRISES); chains, links, placements and the ranking weights are the office's.
MANAGE_CHAINS = "chains.manage_chains"
# Supervision items (issue 16, M18): the supervision office raises, reviews and records
# accountability; a department reads its own items, reports progress, and its head signs
# the result off; leaders read all.
VIEW_SUPERVISION = "supervision.view_supervision"
MANAGE_SUPERVISION = "supervision.manage_supervision"
REPORT_SUPERVISION = "supervision.report_supervision"
SIGN_SUPERVISION = "supervision.sign_supervision"
SUPERVISION_WORK = [VIEW_SUPERVISION, REPORT_SUPERVISION]
# Partners, referrals and finder rewards (issue 16, M21). The office keeps the registry
# and the rewards; departments read partners and the rewards on their own referrals;
# finance pays.
VIEW_PARTNERS = "partners.view_partners"
MANAGE_PARTNERS = "partners.manage_partners"
VIEW_REWARDS = "partners.view_rewards"
MANAGE_REWARDS = "partners.manage_rewards"
APPROVE_REWARDS = "partners.approve_rewards"
PAY_REWARDS = "partners.pay_rewards"
# The promotion budget (issue 16, M24): finance sets and adjusts lines and sees all;
# a unit reads its own lines and posts its spending; leaders read all.
VIEW_BUDGET = "budget.view_budget"
MANAGE_BUDGET = "budget.manage_budget"
POST_SPENDING = "budget.post_spending"
BUDGET_WORK = [VIEW_BUDGET, POST_SPENDING]
# Promotion events and their quota (issue 16, M20): units register their events; the
# office sets quotas; leaders and the supervision office read all.
VIEW_EVENT = "events.view_events"
MANAGE_EVENT = "events.manage_events"
MANAGE_EVENT_QUOTA = "events.manage_quota"
EVENT_WORK = [VIEW_EVENT, MANAGE_EVENT]

# What every promotion user may read.
PROMOTION_READ = [
    VIEW_REFERENCE,
    VIEW_DEPARTMENT,
    VIEW_ENTERPRISES,
    VIEW_PIPELINE,
    VIEW_OPPORTUNITIES,
    VIEW_POLICIES,
]
# What a unit that promotes (department, street, zone) may do with enterprises; it keeps
# its own promotion projects and drafts its own policies ("一产业一部门一政策").
PROMOTION_WORK = [
    MANAGE_ENTERPRISES,
    IMPORT_ENTERPRISES,
    MANAGE_PIPELINE,
    MANAGE_OPPORTUNITIES,
    MANAGE_POLICIES,
]


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    kind: str
    data_scope: str
    permissions: list[str] = field(default_factory=list)
    description: str = ""


BUILTIN_ROLES = [
    RoleSpec(
        "office_staff",
        "招商办工作人员",
        "business",
        "all",
        [
            *PROMOTION_READ,
            *PROMOTION_WORK,
            MANAGE_REFERENCE,
            MANAGE_CALENDAR,
            MERGE_ENTERPRISES,
            COORDINATE_PIPELINE,
            MANAGE_WEBHOOK,
            *REPORT_READ,
            ISSUE_REPORT,
            MANAGE_TARGET,
            *AFTERCARE_WORK,
            COORDINATE_AFTERCARE,
            ANSWER_COMPLAINT_TASK,
            # What the district offers and publishes is decided in one place.
            PUBLISH_OPPORTUNITIES,
            PUBLISH_POLICIES,
            MANAGE_PORTAL,
            *AGREEMENT_READ,
            MANAGE_AGREEMENT,
            COMPUTE_INCENTIVE,
            SUPPLY_OPERATING_DATA,
            RECORD_MEETING,
            MANAGE_CHAINS,
            *SUPERVISION_WORK,
            SIGN_SUPERVISION,
            VIEW_PARTNERS,
            MANAGE_PARTNERS,
            VIEW_REWARDS,
            MANAGE_REWARDS,
            APPROVE_REWARDS,
            *BUDGET_WORK,
            *EVENT_WORK,
            MANAGE_EVENT_QUOTA,
        ],
        "区招商办：统筹协调全区招商工作，可见全部业务数据",
    ),
    RoleSpec(
        "department_head",
        "单位负责人",
        "business",
        "unit_and_below",
        [
            *PROMOTION_READ,
            *PROMOTION_WORK,
            MANAGE_WEBHOOK,
            *UNIT_REPORTS,
            *AFTERCARE_WORK,
            ANSWER_COMPLAINT_TASK,
            *AGREEMENT_READ,
            MANAGE_AGREEMENT,
            PAY_INCENTIVE,
            *SUPERVISION_WORK,
            SIGN_SUPERVISION,
            VIEW_PARTNERS,
            VIEW_REWARDS,
            *BUDGET_WORK,
            *EVENT_WORK,
        ],
        "行业主管部门、街道、功能区负责人：本单位及下级单位数据",
    ),
    RoleSpec(
        "department_staff",
        "单位工作人员",
        "business",
        "unit",
        [
            *PROMOTION_READ,
            *PROMOTION_WORK,
            *UNIT_REPORTS,
            *AFTERCARE_WORK,
            ANSWER_COMPLAINT_TASK,
            *AGREEMENT_READ,
            MANAGE_AGREEMENT,
            PAY_INCENTIVE,
            *SUPERVISION_WORK,
            VIEW_PARTNERS,
            VIEW_REWARDS,
            *BUDGET_WORK,
            *EVENT_WORK,
        ],
        "行业主管部门、街道、功能区经办人：本单位数据",
    ),
    RoleSpec(
        "leader",
        "区领导",
        "business",
        "all",
        [
            *PROMOTION_READ,
            *REPORT_READ,
            VIEW_AFTERCARE,
            VIEW_COMPLAINT,
            *AGREEMENT_READ,
            VIEW_SUPERVISION,
            VIEW_PARTNERS,
            VIEW_REWARDS,
            VIEW_BUDGET,
            VIEW_EVENT,
        ],
        "领导小组成员：查阅全部数据",
    ),
    RoleSpec(
        "supervision",
        "督查人员",
        "business",
        "all",
        [
            *PROMOTION_READ,
            *REPORT_READ,
            VIEW_AFTERCARE,
            VIEW_SUPERVISION,
            MANAGE_SUPERVISION,
            VIEW_EVENT,
        ],
        "区委督查室：交办、督办、审核督办事项，记录问责；查看招商活动",
    ),
    RoleSpec(
        "finance",
        "财政人员",
        "business",
        "all",
        [
            *PROMOTION_READ,
            VIEW_DISBURSEMENT,
            ALLOCATE_INCENTIVE,
            VIEW_BUDGET,
            MANAGE_BUDGET,
            VIEW_PARTNERS,
            VIEW_REWARDS,
            PAY_REWARDS,
        ],
        "区财政局：奖励资金拨付，设立和调整招商专项经费",
    ),
    RoleSpec(
        "tax",
        "税务人员",
        "business",
        "unit",
        # Tax registration and tax tickets are the tax office's to answer; its figures
        # feed the incentive calculation (agreements).
        [
            *PROMOTION_READ,
            *AFTERCARE_WORK,
            ANSWER_COMPLAINT_TASK,
            SUPPLY_OPERATING_DATA,
            CONFIRM_OPERATING_DATA,
            *SUPERVISION_WORK,
            SIGN_SUPERVISION,
        ],
        "区税务局：报送企业税收数据，办理涉税企业诉求",
    ),
    RoleSpec(
        "discipline",
        "纪检监察人员",
        "business",
        "all",
        [*PROMOTION_READ, HANDLE_COMPLAINT, VIEW_COMPLAINT],
        "区纪委监委：受理投资者投诉",
    ),
    RoleSpec(
        "system_admin",
        "系统管理员",
        "system_admin",
        "all",
        [
            VIEW_DEPARTMENT,
            MANAGE_DEPARTMENT,
            VIEW_USER,
            MANAGE_USER,
            # Reminded each November to enter next year's holiday notice (reference.tasks).
            MANAGE_CALENDAR,
            MANAGE_APIKEY,
        ],
        "管理账号、单位与接口密钥；不能查阅审计日志、不能调整安全策略与授权",
    ),
    RoleSpec(
        "security_admin",
        "安全管理员",
        "security_admin",
        "all",
        [
            VIEW_DEPARTMENT,
            VIEW_USER,
            MANAGE_ROLE,
            UNLOCK_USER,
            MANAGE_POLICY,
        ],
        "管理安全策略、角色与授权，解除账号锁定",
    ),
    RoleSpec(
        "audit_admin",
        "审计管理员",
        "audit_admin",
        "none",
        [VIEW_AUDIT_LOG],
        "只读审计日志与登录日志",
    ),
]
