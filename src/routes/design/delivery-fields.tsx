// The delivery-settings fields shared by the subscribe form and the settings page: time zone (detected in the
// browser when it can be, always editable), delivery hour, frequency and the weekly day. Plain form fields.
import { TZ_SCRIPT_PATH } from './assets';

export const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

let zones: string[] | null = null;
/** Every IANA zone the runtime knows, UTC first. */
export function timeZoneNames(): string[] {
  zones ??= ['UTC', ...(Intl.supportedValuesOf?.('timeZone') ?? []).filter((z) => z !== 'UTC')];
  return zones;
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

export interface DeliveryValues {
  timezone: string;
  frequency: string;
  weekday: number;
  delivery_hour: number;
}

/** The fields; `detect` lets the browser's zone replace the default (the reader has not chosen one yet). */
export function DeliveryFields(props: { values: DeliveryValues; detect: boolean; problems?: Record<string, string> }) {
  const v = props.values;
  const problem = (field: string) =>
    props.problems?.[field] ? (
      <span class="error" id={`${field}-problem`} role="alert">
        {props.problems[field]}
      </span>
    ) : null;
  return (
    <>
      <label for="timezone">
        Your time zone
        <span class="hint" id="timezone-detected">
          {props.detect ? 'We use it to send your briefing at your morning, not ours.' : 'Your briefing is sent by the clock of this zone.'}
        </span>
      </label>
      <select id="timezone" name="timezone" data-detect-timezone={props.detect ? 'auto' : 'chosen'} aria-describedby="timezone-detected">
        {timeZoneNames().map((z) => (
          <option value={z} selected={z === v.timezone}>
            {z.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      {problem('timezone')}
      <div class="row">
        <div>
          <label for="delivery_hour">Delivery time</label>
          <select id="delivery_hour" name="delivery_hour">
            {Array.from({ length: 24 }, (_, h) => (
              <option value={String(h)} selected={h === v.delivery_hour}>
                {hourLabel(h)}
              </option>
            ))}
          </select>
          {problem('delivery_hour')}
        </div>
        <div>
          <label for="weekday">Day, if weekly</label>
          <select id="weekday" name="weekday">
            {weekdayNames.map((name, d) => (
              <option value={String(d)} selected={d === v.weekday}>
                {name}
              </option>
            ))}
          </select>
          {problem('weekday')}
        </div>
      </div>
      <fieldset>
        <legend>How often</legend>
        {[
          ['daily', 'Every day'],
          ['weekdays', 'Weekdays (Monday to Friday)'],
          ['weekly', 'Once a week, on the day above'],
        ].map(([value, label]) => (
          <label class="choice">
            <input type="radio" name="frequency" value={value} checked={v.frequency === value} /> {label}
          </label>
        ))}
        {problem('frequency')}
      </fieldset>
      {props.detect ? <script src={TZ_SCRIPT_PATH} defer /> : null}
    </>
  );
}
