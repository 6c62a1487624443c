// Starts the desktop application: QApplication, translations, the main window.
#pragma once

#include <QString>

class QApplication;

namespace pgferry::wizard {

int runGuiApplication(int argc, char *argv[]);

// Installs the translation for `language` (e.g. "de") or for the system's languages when empty.
bool installTranslation(QApplication &app, const QString &language);

} // namespace pgferry::wizard
