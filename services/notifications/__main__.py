from services.kit.server import serve
from services.kit.settings import load_settings
from services.notifications.app import NotificationsSettings, build_app

serve(load_settings(NotificationsSettings), build_app)
