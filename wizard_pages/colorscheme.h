// Light or dark: the application follows the desktop's colour scheme, or the user's choice in
// View > Colours (remembered in QSettings), or `pgferry --dark` / `--light` for one session.
// Following the desktop: the platform theme's palette (KDE, GNOME with a Qt platform theme,
// Windows, macOS), and from Qt 6.5 also QStyleHints::colorScheme() where the palette stays light.
#pragma once

#include <QObject>
#include <QPalette>

class QSettings;

namespace pgferry::wizard {

class ColorScheme : public QObject
{
    Q_OBJECT
public:
    enum class Choice { System, Light, Dark };
    Q_ENUM(Choice)

    explicit ColorScheme(QObject *parent = nullptr);

    // Where the choice is remembered; nullptr: the application's settings. Reads the choice (and
    // signals it; nothing is applied).
    void setSettings(QSettings *settings);
    // The remembered choice (System when none was made).
    Choice savedChoice() const { return m_saved; }
    // What is shown now: the remembered choice, or the session's.
    Choice choice() const { return m_current; }
    // Shows `choice` and remembers it.
    void setChoice(Choice choice);
    // Shows `choice` for this session only (the command line's --dark / --light).
    void apply(Choice choice);
    // Whether the application's palette is dark now.
    static bool isDark();

    static QPalette darkPalette();
    static QPalette lightPalette();
    static QString
    name(Choice choice); // "system", "light", "dark": the settings' and the command line's words

Q_SIGNALS:
    // The choice shown (or, after setSettings, read) changed.
    void changed(pgferry::wizard::ColorScheme::Choice choice);

private:
    void applyPalette();
    QSettings *m_settings = nullptr;
    Choice m_saved = Choice::System;
    Choice m_current = Choice::System;
};

} // namespace pgferry::wizard
