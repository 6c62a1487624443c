// pgferry: the desktop wizard. Everything it shows lives in the pgferry_wizard library.
#include "guiapp.h"

#include <csignal>

int main(int argc, char *argv[])
{
    std::signal(SIGPIPE, SIG_IGN);
    return pgferry::wizard::runGuiApplication(argc, argv);
}
