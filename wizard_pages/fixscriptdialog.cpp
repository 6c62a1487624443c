#include "fixscriptdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace pgferry::wizard {

FixScriptDialog::FixScriptDialog(const QString &script, QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("fixScriptDialog"));
    setWindowTitle(tr("Fix script"));
    auto *intro = new QLabel(tr(
        "SQL and settings that fix what can be fixed before the migration, grouped by where to apply them. "
        "Review every line before running it on a server."));
    intro->setWordWrap(true);
    m_text = new QPlainTextEdit(script);
    m_text->setObjectName(QStringLiteral("fixScriptText"));
    m_text->setAccessibleName(tr("Fix script"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // Read-only, but the keyboard still moves through it and selects.
    m_text->setTextInteractionFlags(Qt::TextSelectableByKeyboard | Qt::TextSelectableByMouse);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("fixScriptMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox;
    m_copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    m_copy->setObjectName(QStringLiteral("fixScriptCopy"));
    m_copy->setAccessibleName(tr("Copy the fix script to the clipboard"));
    m_save = buttons->addButton(tr("&Save…"), QDialogButtonBox::ActionRole);
    m_save->setObjectName(QStringLiteral("fixScriptSave"));
    m_save->setAccessibleName(tr("Save the fix script to a file"));
    QPushButton *close = buttons->addButton(QDialogButtonBox::Close);
    close->setText(tr("Close"));
    close->setObjectName(QStringLiteral("fixScriptClose"));
    close->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_text->toPlainText());
        setMessage(tr("The fix script is on the clipboard."));
    });
    connect(m_save, &QPushButton::clicked, this, &FixScriptDialog::saveRequested);

    auto *v = new QVBoxLayout(this);
    v->addWidget(intro);
    v->addWidget(m_text, 1);
    v->addWidget(m_message);
    v->addWidget(buttons);
    m_copy->setDefault(true);
    m_text->setFocus();
    resize(720, 480);
}

void FixScriptDialog::setMessage(const QString &message)
{
    m_message->setText(message);
}

} // namespace pgferry::wizard
