"""Values the tests share that a fixture cannot provide.

Most shared test code is a fixture in the ``conftest.py`` of the directory that needs it (or of
``tests/`` when several do). What lives here is needed at import or collection time (module
constants, ``pytest.mark.parametrize`` lists, default arguments), where fixtures are not
available. No test module imports another test module or a ``conftest.py``
(``tests/test_architecture.py`` checks it).
"""
