"""The shared layer for scoped records: what every domain app declares once and gets everywhere.

An app declares, per record type:

- the model (inherits ``core.models.SchoolRecord``, so the jurisdiction filter reaches it),
- ONE filterset (:class:`filters.RecordFilterSet`, django-filter) — used by the list page, the API list
  (through :func:`filters.query_schema`, which documents the parameters and answers 422 on invalid ones)
  and the Excel export, so the three always show the same rows,
- the columns (:class:`columns.Column`) shown in the list table and written to the export,
- the output conversion and schema of the API,
- its actions: services, a :class:`huxiao.core.actions.TransitionTable` for its life cycle.

and gets: :class:`views.RecordListView` (paging, sorting, region and school pickers, date ranges,
"导出 Excel"), :func:`views.export_response` (a streamed workbook of exactly the filtered rows,
formula-safe), :func:`api.add_list_operations` (paged API list + export with the same filters),
:class:`paging.DeferredRows` (ids from the index first, then only the page's rows).

The alarm hot path (receiver, intake, feed hub, console) does not use this layer: it is hand-tuned.
"""
