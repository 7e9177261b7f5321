// Public: everything of FastThreadPool in one include.
#pragma once

#include <fastthreadpool/ascompleted.h>
#include <fastthreadpool/errors.h>
#include <fastthreadpool/generator.h>
#include <fastthreadpool/pool.h>
#include <fastthreadpool/pooloptions.h>
#include <fastthreadpool/result.h>
#include <fastthreadpool/resultqueue.h>
#include <fastthreadpool/semaphore.h>
#include <fastthreadpool/thisjob.h>
#include <fastthreadpool/timerid.h>
