"""The app uvicorn serves (`jingwang serve`): the store named by $JINGWANG_DB, escalating
overdue clues every minute."""

from jingwang.api.app import create_app

app = create_app(escalate_every=60.0)
