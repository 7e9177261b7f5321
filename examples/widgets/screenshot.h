// --screenshot: render the first view completely, save the window as a PNG and quit. What
// the test and the README's picture use; it works without a display (QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QtCore/qstring.h>

class MainWindow;

//! Once `window` has rendered its view, grabs it into `file` and quits the application with
//! exit code 0; quits with 1 and a message on stderr if the picture is blank, could not be
//! saved, or did not finish within `timeoutMs`.
void saveWhenRendered(MainWindow &window, const QString &file, int timeoutMs = 60'000);
