// Finding a named widget of the wizard in GUI tests: a missing one ends the test at once, with its
// name (a null pointer would only crash later, far from the cause). And answering a named message
// box, which is modal, from a timer.
#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

namespace pgferry::test {

template<typename T> T *findNamed(const QObject *root, const QString &name)
{
    T *w = root->findChild<T *>(name);
    if (!w)
        qFatal("no widget %s", qPrintable(name));
    return w;
}

template<typename T> T *findNamed(const QObject *root, const char *name)
{
    return findNamed<T>(root, QString::fromLatin1(name));
}

// Answers the next message box named `name` with `button` (from a timer: the box is modal);
// what it said arrives in the returned string.
inline std::shared_ptr<QString> answerNextBox(QObject *owner, const QString &name,
                                              QMessageBox::StandardButton button)
{
    auto said = std::make_shared<QString>();
    auto *timer = new QTimer(owner);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, owner, [timer, name, button, said] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || box->objectName() != name || !box->isVisible())
            return;
        *said = box->text();
        timer->stop();
        timer->deleteLater();
        box->button(button)->click();
    });
    timer->start();
    return said;
}

} // namespace pgferry::test
