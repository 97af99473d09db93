"""Public names of :mod:`onestop.demo`, declared once; ``__init__.py`` loads them lazily."""

from ._catalogue import DEPARTMENTS as DEPARTMENTS
from ._catalogue import PROCEDURES as PROCEDURES
from ._catalogue import Department as Department
from ._catalogue import ProcedureSpec as ProcedureSpec
from ._dossiers import DossierBuilder as DossierBuilder
from ._dossiers import procedure_of as procedure_of
from ._generate import CHANNEL_MIX as CHANNEL_MIX
from ._generate import SimulationSettings as SimulationSettings
from ._generate import simulate_records as simulate_records
from ._run import MODES as MODES
from ._run import STEPS as STEPS
from ._run import RunPlan as RunPlan
from ._run import run_centre as run_centre
