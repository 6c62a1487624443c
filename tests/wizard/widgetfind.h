// Finding a named widget of the wizard in GUI tests: a missing one ends the test at once, with its
// name (a null pointer would only crash later, far from the cause).
#pragma once

#include <QObject>
#include <QString>

namespace pgferry::test {

template<typename T> T *findNamed(const QObject *root, const char *name)
{
    T *w = root->findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no widget %s", name);
    return w;
}

} // namespace pgferry::test
