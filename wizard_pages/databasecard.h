// One database on the dashboard: its phase, "Full load completed 12 of 14 tables", a progress
// bar, pending changes, lag and ETA.
#pragma once

#include "engine/migrationstatus.h"

#include <QFrame>

class QLabel;
class QProgressBar;

namespace pgferry::wizard {

class DatabaseCard : public QFrame
{
    Q_OBJECT
public:
    explicit DatabaseCard(QWidget *parent = nullptr);
    void setStatus(const engine::DatabaseStatus &status);
    QString progressText() const;
    static QString progressText(const engine::DatabaseStatus &status);

private:
    QLabel *m_title;
    QLabel *m_phase;
    QLabel *m_progress;
    QProgressBar *m_bar;
    QLabel *m_pending;
    QLabel *m_lag;
    QLabel *m_eta;
};

} // namespace pgferry::wizard
