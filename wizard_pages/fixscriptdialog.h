// The assessment's fix script, read-only, in a monospace view: read it before copying it to the
// clipboard or saving it to a file.
#pragma once

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace pgferry::wizard {

class FixScriptDialog : public QDialog
{
    Q_OBJECT
public:
    explicit FixScriptDialog(const QString &script, QWidget *parent = nullptr);
    QPlainTextEdit *text() const { return m_text; }
    // A line under the script: "Copied…", "Saved to…", or why the save failed.
    void setMessage(const QString &message);

Q_SIGNALS:
    void saveRequested();

private:
    QPlainTextEdit *m_text;
    QLabel *m_message;
    QPushButton *m_copy;
    QPushButton *m_save;
};

} // namespace pgferry::wizard
