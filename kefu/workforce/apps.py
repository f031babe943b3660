from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "kefu.workforce"
    label = "workforce"
    verbose_name = "值班与交接班"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import Job, NavEntry, platform
        from kefu.workforce import demo, home, policies, roles
        from kefu.workforce.services import attendance, leave, swaps

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            nav=[
                NavEntry(
                    "交接班",
                    "workforce:handovers",
                    40,
                    any_permission("workforce.view_handover"),
                    tile="交接班记录与未了事项",
                ),
                # -- rosters
                NavEntry(
                    "排班表",
                    "workforce:roster",
                    41,
                    any_permission("workforce.view_rosterentry"),
                    tile="个人排班月历与24小时覆盖",
                ),
                NavEntry("我的排班", "workforce:my_roster", 39, any_permission("workforce.add_attendance")),
                # -- leave
                NavEntry(
                    "请假",
                    "workforce:leave_list",
                    42,
                    any_permission("workforce.view_leaverequest"),
                    tile="请假申请与逐级审批",
                ),
                # -- swaps
                NavEntry(
                    "换班",
                    "workforce:swaps",
                    43,
                    any_permission("workforce.view_shiftswap"),
                    tile="换班申请、审批与换班登记表",
                ),
                # -- attendance and discipline
                NavEntry("签到", "workforce:sign_in_page", 38, any_permission("workforce.add_attendance")),
                NavEntry(
                    "考勤与违纪",
                    "workforce:attendance",
                    44,
                    any_permission("workforce.correct_attendance", "workforce.view_disciplinecase"),
                    tile="点名、签到、迟到旷工与违纪记录",
                ),
                # -- forecast and staffing
                NavEntry(
                    "话务预测与测算",
                    "workforce:forecast",
                    45,
                    any_permission("workforce.view_rosterplan"),
                    tile="分时段话务量预测与人员测算",
                ),
                # -- roster plans
                NavEntry(
                    "自动排班",
                    "workforce:plans",
                    46,
                    any_permission("workforce.add_rosterplan"),
                    tile="按预测与规则生成四周排班方案",
                ),
            ],
            jobs=[
                # -- leave
                Job(
                    "workforce.leave_certificates",
                    "病假证明到期未交提醒",
                    leave.flag_missing_certificates,
                    order=40,
                ),
                # -- attendance and discipline
                Job("workforce.attendance", "考勤：旷工与违纪检查", attendance.detect_absences, order=45),
            ],
            alert_kinds={
                # -- leave
                **leave.ALERT_KINDS,
                # -- swaps
                **swaps.ALERT_KINDS,
                # -- attendance and discipline
                **attendance.ALERT_KINDS,
            },
            seeder=demo.SEEDER,
            home_panels=[home.panel],
        )
