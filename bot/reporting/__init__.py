"""Reporting: HR's weekly digest with a chart, managers' digests, reports on demand, exports,
and personal-data rights (access and erasure).

No Slack here (the file uploads are in bot/slack/files.py). The figures are built with a
fixed number of grouped queries whatever the head count (bot/reporting/figures.py, team.py);
HR's figures hold counts and names, never review text or check-in answers; a manager's are cut
to their direct reports in SQL. The weekly job is registered in bot/reporting/tasks.py.
"""

from bot.reporting.chart import ChartData, chart_data, render_chart
from bot.reporting.erase import Erasure, erase_person
from bot.reporting.export import export_for, export_zip, write_csv_files
from bot.reporting.figures import DigestFigures, hr_figures
from bot.reporting.goals import GoalAtRisk, goals_at_risk
from bot.reporting.personal_data import PersonNotFound, export_person, find_person
from bot.reporting.report import Report, report_for
from bot.reporting.team import ManagerFigures, manager_figures

__all__ = [
    "ChartData",
    "DigestFigures",
    "Erasure",
    "GoalAtRisk",
    "ManagerFigures",
    "PersonNotFound",
    "Report",
    "chart_data",
    "erase_person",
    "export_for",
    "export_person",
    "export_zip",
    "find_person",
    "goals_at_risk",
    "hr_figures",
    "manager_figures",
    "render_chart",
    "report_for",
    "write_csv_files",
]
