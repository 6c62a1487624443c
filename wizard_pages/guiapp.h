// Starts the desktop application: QApplication, translations, the main window.
#pragma once

namespace pgferry::wizard {

int runGuiApplication(int argc, char *argv[]);

} // namespace pgferry::wizard
