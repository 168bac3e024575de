from services.console.app import ConsoleSettings, build_app
from services.kit.server import serve
from services.kit.settings import load_settings

serve(load_settings(ConsoleSettings), build_app)
